from django.http import HttpResponse

from core.http import CSV, as_download


def test_it_names_the_file_the_browser_saves() -> None:
    response = as_download(HttpResponse("a,b\r\n", content_type=CSV), "tandem-people.csv")
    assert response["Content-Disposition"] == 'attachment; filename="tandem-people.csv"'
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_it_escapes_quotes_and_encodes_names_that_are_not_ascii() -> None:
    quoted = as_download(HttpResponse(), 'say "hi".csv')["Content-Disposition"]
    assert quoted == 'attachment; filename="say \\"hi\\".csv"'
    encoded = as_download(HttpResponse(), "équipe.csv")["Content-Disposition"]
    assert encoded == "attachment; filename*=utf-8''%C3%A9quipe.csv"
