from django.urls import path

from . import correction_views
from . import views as self_views

urlpatterns = [
    path("me/", self_views.my_record, name="me"),
    path("me/reveal/", self_views.my_reveal, name="me_reveal"),
    path("me/corrections/<slug:field>/", self_views.my_correction_new, name="me_correction"),
    path("me/corrections/<int:pk>/withdraw/", self_views.my_correction_withdraw, name="me_correction_withdraw"),
    path("corrections/", correction_views.correction_list, name="corrections"),
    path("corrections/<int:pk>/", correction_views.correction_detail, name="correction"),
    path("<int:pk>/account/", correction_views.member_account, name="account"),
    path("<int:pk>/account/unlink/", correction_views.member_account_unlink, name="account_unlink"),
]
