"""The API's reading of bodies, queries and forms: as django-ninja reads them, but text holding
the NUL character (U+0000), which PostgreSQL cannot store and no real text holds, is refused as
bad input naming the field, not left to fail in the database as a server error."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja.errors import ValidationError
from ninja.parser import Parser


def refuse_nul(value: object, where: tuple[str | int, ...]) -> None:
    """A ninja ValidationError at the first text (or key) in ``value`` holding U+0000."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValidationError(
                [{"loc": where, "msg": _("the text holds a NUL character (U+0000)")}]
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            refuse_nul(key, where)
            refuse_nul(item, (*where, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            refuse_nul(item, (*where, index))


class TextParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict:
        data = super().parse_body(request)
        refuse_nul(data, ("body",))
        return data

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> dict:
        result = super().parse_querydict(data, list_fields, request)
        if data is not request.FILES:
            refuse_nul(result, ("query",))
        return result
