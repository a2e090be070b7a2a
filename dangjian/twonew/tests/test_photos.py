"""阵地 photos: checked by content, bounded per centre, seen inside the centre's scope only, added and
removed by those who may change the centre — through the page and through the API — and audited."""


import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.core.errors import ActionDenied
from dangjian.core.models import ChangeRecord
from dangjian.testing import api_client
from dangjian.twonew import actions
from dangjian.twonew.models import Centre, CentrePhoto

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def upload(content: bytes = PNG, name: str = "门牌.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/png")


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def centre(tree):
    return Centre.objects.create(org=tree.a, kind="activity_room", name="红星村党员活动室")


def test_photos_are_checked_by_content_and_counted_per_centre(tree, centre, monkeypatch):
    saved = actions.centre_add_photos(acting_user=tree.secretary_a, centre=centre,
                                      photos=[upload(), upload(JPEG, "室内.jpg")], caption="门牌和室内")
    assert [p.file_type for p in saved] == ["png", "jpg"]
    assert saved[0].file.read() == PNG and saved[1].file_name == "室内.jpg"
    record = ChangeRecord.objects.filter(action="twonew_centre_photos").get()
    assert record.after["photos"] == ["门牌.png", "室内.jpg"]
    with pytest.raises(ValidationError, match="假照片.png：照片只接受 JPEG 或 PNG"):
        actions.centre_add_photos(acting_user=tree.secretary_a, centre=centre,
                                  photos=[upload(b"%PDF-1.4 not a photo", "假照片.png")])
    monkeypatch.setattr(actions, "MAX_CENTRE_PHOTOS", 3)
    with pytest.raises(ValidationError, match="最多 3 张照片，还可上传 1 张"):
        actions.centre_add_photos(acting_user=tree.secretary_a, centre=centre, photos=[upload(), upload()])
    assert CentrePhoto.objects.count() == 2  # a refused upload keeps none of its files


def test_only_those_who_may_change_the_centre_add_or_remove(tree, centre):
    with pytest.raises(ActionDenied):
        actions.centre_add_photos(acting_user=tree.secretary_b, centre=centre, photos=[upload()])
    photo = actions.centre_add_photos(acting_user=tree.secretary_a, centre=centre, photos=[upload()])[0]
    with pytest.raises(ActionDenied):
        actions.centre_remove_photo(acting_user=tree.reader_town1, photo=photo)
    actions.centre_remove_photo(acting_user=tree.secretary_a, photo=photo)
    assert not CentrePhoto.objects.exists()
    assert ChangeRecord.objects.filter(action="twonew_centre_photo_remove").get().before["photo"] == "门牌.png"


def test_photo_pages_follow_scope(tree, centre, login):
    client = login(tree.secretary_a)
    response = client.post(f"/twonew/centres/{centre.pk}/photos/", {"photos": [upload(), upload(JPEG, "b.jpg")],
                                                                     "caption": "活动室"})
    assert response.status_code == 302
    photo = CentrePhoto.objects.order_by("id").first()
    page = client.get(f"/twonew/centres/{centre.pk}/photos/").content.decode()
    assert f"/twonew/centres/photos/{photo.pk}/" in page and "活动室" in page
    image = client.get(f"/twonew/centres/photos/{photo.pk}/")
    assert image["Content-Type"] == "image/png" and b"".join(image.streaming_content) == PNG
    listing = client.get("/twonew/centres/").content.decode()
    assert "照片（2）" in listing
    refused = client.post(f"/twonew/centres/{centre.pk}/photos/", {"photos": [upload(b"GIF89a....", "x.gif")]})
    assert refused.status_code == 200 and "x.gif：" in refused.content.decode()
    other = login(tree.secretary_b)
    assert other.get(f"/twonew/centres/{centre.pk}/photos/").status_code == 404
    assert other.get(f"/twonew/centres/photos/{photo.pk}/").status_code == 404
    reader = login(tree.reader_town1)
    assert reader.get(f"/twonew/centres/photos/{photo.pk}/").status_code == 200
    read_page = reader.get(f"/twonew/centres/{centre.pk}/photos/").content.decode()
    assert "上传照片" not in read_page and "删除" not in read_page
    assert reader.post(f"/twonew/centres/{centre.pk}/photos/", {"photos": [upload()]}).status_code == 403
    assert reader.post(f"/twonew/centres/photos/{photo.pk}/remove/").status_code == 403
    assert login(tree.secretary_a).post(f"/twonew/centres/photos/{photo.pk}/remove/").status_code == 302
    assert CentrePhoto.objects.count() == 1


def test_photos_through_the_api(tree, centre):
    api = api_client(tree.secretary_a)
    response = api.post(f"/api/twonew/centres/{centre.pk}/photos", data={"caption": "门牌", "file": upload()})
    assert response.status_code == 201, response.content
    [photo] = response.json()
    assert photo["file_type"] == "png" and photo["caption"] == "门牌" and photo["url"].endswith(f"/{photo['id']}/")
    bad = api.post(f"/api/twonew/centres/{centre.pk}/photos", data={"file": upload(b"not an image", "a.png")})
    assert bad.status_code == 422 and "a.png" in bad.content.decode()
    listed = api.get(f"/api/twonew/centres?org={tree.a.pk}").json()["items"]
    assert [(c["name"], c["photo_count"]) for c in listed] == [("红星村党员活动室", 1)]
    assert api_client(tree.secretary_b).get(f"/api/twonew/centres/{centre.pk}/photos").status_code == 404
    assert api_client(tree.reader_town1).delete(f"/api/twonew/centres/photos/{photo['id']}").status_code == 403
    assert api.delete(f"/api/twonew/centres/photos/{photo['id']}").json() == []
