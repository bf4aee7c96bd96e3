"""The shared list and form pieces: the paginate helper, the pager, one form field, form errors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django import forms
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from concord.core.web.pagination import PAGE_SIZE, paginate

factory = RequestFactory()


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):  # rendered without a request: no middleware picks the language
        yield


def test_paginate_reads_the_page_number_and_forgives_bad_ones():
    rows = list(range(PAGE_SIZE * 2 + 1))
    assert list(paginate(factory.get("/"), rows)) == rows[:PAGE_SIZE]
    assert list(paginate(factory.get("/", {"page": "2"}), rows)) == rows[PAGE_SIZE : PAGE_SIZE * 2]
    assert paginate(factory.get("/", {"page": "abc"}), rows).number == 1
    assert paginate(factory.get("/", {"page": "0"}), rows).number == 3  # below range: the last page
    assert paginate(factory.get("/", {"page": "999"}), rows).number == 3
    assert list(paginate(factory.get("/", {"page": "2"}), rows, per_page=4)) == [4, 5, 6, 7]
    assert list(paginate(factory.get("/"), [])) == []  # an empty list is one empty page, not an error


def _pager(query: dict[str, str], *, rows: int = 25, per_page: int = 10, **context: object) -> str:
    request = factory.get("/list/", query)
    page = paginate(request, list(range(rows)), per_page=per_page)
    return render_to_string("web/partials/pagination.html", {"page": page, **context}, request=request)


def test_the_pager_keeps_the_filters_and_marks_the_current_page():
    html = _pager({"status": "failed", "type": "a b", "page": "2"})
    assert '<nav aria-label="Pages">' in html
    assert '<ul class="pagination">' in html
    assert 'aria-current="page"><span class="page-link">Page 2 of 3</span>' in html
    assert 'href="?status=failed&amp;type=a+b&amp;page=1"' in html
    assert 'href="?status=failed&amp;type=a+b&amp;page=3"' in html
    assert html.count('aria-current="page"') == 1


def test_the_pager_hides_links_that_go_nowhere():
    first = _pager({})
    assert "Previous" not in first
    assert 'href="?page=2"' in first
    last = _pager({"page": "3"})
    assert "Next" not in last
    assert 'href="?page=2"' in last
    assert _pager({}, rows=10).strip() == ""  # a single page needs no pager
    assert '<ul class="pagination pagination-sm">' in _pager({}, size="sm")


class _SampleForm(forms.Form):
    name = forms.CharField(label="Name", help_text="Rules: <ul><li>short</li></ul>")
    note = forms.CharField(label="Note", required=False)

    def clean(self) -> dict[str, object]:
        raise forms.ValidationError("The whole form is wrong.")


def test_a_field_has_its_label_help_and_errors_tied_to_the_input():
    form = _SampleForm({"name": ""})
    form.is_valid()
    html = render_to_string("web/partials/field.html", {"field": form["name"]})
    assert html.startswith('<div class="mb-3">')
    assert '<label class="form-label" for="id_name">Name</label>' in html
    assert 'aria-describedby="id_name_helptext id_name_error"' in html  # both ids exist below
    assert '<div class="form-text" id="id_name_helptext">Rules: <ul><li>short</li></ul></div>' in html
    assert (
        '<div id="id_name_error"><div class="invalid-feedback d-block">This field is required.</div></div>'
        in html
    )

    quiet = render_to_string("web/partials/field.html", {"field": form["note"], "wrapper_class": "col-auto"})
    assert quiet.startswith('<div class="col-auto">')
    assert "form-text" not in quiet
    assert "invalid-feedback" not in quiet


def test_form_errors_show_only_the_whole_form_errors():
    form = _SampleForm({"name": ""})
    form.is_valid()
    html = render_to_string("web/partials/form_errors.html", {"form": form})
    assert html.strip() == '<div class="alert alert-danger" role="alert">The whole form is wrong.</div>'
    assert render_to_string("web/partials/form_errors.html", {"form": _SampleForm()}).strip() == ""
