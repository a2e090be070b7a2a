"""三员分立: the pages of the system, security and audit administrators under /administration/.

Who may do what is in ``rules`` (plain data); ``actions`` check it again on every write, so a page
is never the only gate. A duty holder has no position in the organisation tree, so the scoping that
guards member and organisation data (core.scoping) gives the three administrators nothing.

Django's own admin site is gone: ``/admin/`` is no longer routed and ``django.contrib.admin`` is no
longer installed (the apps' ``admin.py`` registrations were deleted with it). A superuser there could
change any row without the actions' checks, without the audit chain and without the second factor,
which is exactly what 三员分立 forbids; the superuser flag grants nothing anywhere in the platform.
"""
