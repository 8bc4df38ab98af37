"""CSV import of learning resources: every problem by line and column, never a 500."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from learning.models import Resource

pytestmark = pytest.mark.django_db

HEADER = "skill,title,provider,link,kind,level\n"


def _upload(client, text: str | bytes):
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        reverse("learning:resources_import"),
        {"file": SimpleUploadedFile("resources.csv", data, content_type="text/csv")},
    )


def test_it_imports_good_rows_and_updates_known_links(client_for, hr_user, skill) -> None:
    client = client_for(hr_user)
    csv = (
        HEADER
        + "kubernetes,Basics,kubernetes.io,https://kubernetes.io/docs/basics/,documentation,1\n"
        + "Kubernetes,CKA course,Linux Foundation,https://training.linuxfoundation.org/,Course,3\n"
    )
    assert _upload(client, csv).status_code == 302
    assert Resource.objects.count() == 2
    again = csv.replace("Basics,", "Basics again,")
    assert _upload(client, again).status_code == 302
    assert Resource.objects.count() == 2
    assert Resource.objects.get(url="https://kubernetes.io/docs/basics/").title == "Basics again"


def test_it_lists_row_errors_in_plain_words_and_saves_nothing(client_for, hr_user, skill) -> None:
    csv = (
        HEADER
        + "Kubernetes,Good,,https://kubernetes.io/,lab,2\n"
        + "Basket weaving,Bad skill,,https://example.com/,lab,2\n"
        + "Kubernetes,Bad link,,ftp://example.com/,lab,2\n"
        + "Kubernetes,Bad kind,,https://example.com/k,video,2\n"
        + "Kubernetes,Bad level,,https://example.com/l,lab,7\n"
        + "Kubernetes,,,https://example.com/t,lab,2\n"
        + "Kubernetes,Twice,,https://kubernetes.io/,lab,2\n"
    )
    response = _upload(client_for(hr_user), csv)
    assert response.status_code == 200
    errors = [(e.line, e.column) for e in response.context["result"].errors]
    assert errors == [
        (3, "skill"),
        (4, "link"),
        (5, "kind"),
        (6, "level"),
        (7, "title"),
        (8, "link"),
    ]
    page = response.content.decode()
    assert "No skill called “Basket weaving”" in page
    assert "must start with https://" in page
    assert "Nothing was imported" in page
    assert not Resource.objects.exists()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"\xff\xfe\x00bad", "isn't UTF-8"),
        (b"", "empty"),
        (b"title,link\nX,https://e.com\n", "missing: skill, kind, level"),
        (HEADER.encode() + b"Kubernetes,A\x00B,,https://e.com/,lab,1\n", "binary data"),
        (HEADER.encode() + b'Kubernetes,"never closed,,https://e.com/,lab,1\n', ""),
        (HEADER.encode() + b"Kubernetes,Tab\x01here,,https://e.com/,lab,1\n", "control character"),
    ],
)
def test_it_never_fails_on_a_bad_file(client_for, hr_user, skill, data, words) -> None:
    response = _upload(client_for(hr_user), data)
    assert response.status_code == 200
    form = response.context["form"]
    result = response.context["result"]
    said = " ".join(form.errors.get("file", [])) + " ".join(
        e.message for e in (result.errors if result else [])
    )
    assert said and words in said
    assert not Resource.objects.exists()


def test_it_refuses_the_import_to_non_hr(client_for, stranger, skill) -> None:
    csv = HEADER + "Kubernetes,Good,,https://kubernetes.io/,lab,2\n"
    assert _upload(client_for(stranger), csv).status_code == 403
    assert not Resource.objects.exists()


def test_it_ignores_a_column_it_does_not_know(client_for, hr_user, skill) -> None:
    csv = "skill,title,notes,link,kind,level\nKubernetes,Good,ours,https://kubernetes.io/,lab,2\n"
    assert _upload(client_for(hr_user), csv).status_code == 302
    assert Resource.objects.get().title == "Good"
