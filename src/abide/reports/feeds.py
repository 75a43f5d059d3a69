"""An Atom feed of the published reports per language: /reports/feed/<lang>/."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import override

from abide.reports.access import get_reports_for
from abide.reports.listing import period_label, report_title
from abide.reports.models import REPORT_LANGUAGES, Report, ReportState

#: The reports a feed holds, newest first.
FEED_SIZE = 50


class ReportFeed(Feed):
    """The public's feed (whoever asks): published reports, newest first, in one language."""

    feed_type = Atom1Feed

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        language = kwargs.get("lang", "")
        if language not in REPORT_LANGUAGES:
            raise Http404("no such language")
        with override(language):
            response = super().__call__(request, *args, **kwargs)
        response["Content-Language"] = language
        return response

    def get_object(self, request: HttpRequest, lang: str) -> str:
        return lang

    def title(self, lang: str) -> str:
        return _("abide: the mission's reports")

    def subtitle(self, lang: str) -> str:
        return _("Reports the mission published, newest first.")

    def link(self, lang: str) -> str:
        return reverse("reports:index")

    def feed_url(self, lang: str) -> str:
        return reverse("reports:feed", args=[lang])

    def items(self, lang: str) -> list[Report]:
        reports = get_reports_for(AnonymousUser()).filter(state=ReportState.PUBLISHED)
        return list(reports.order_by("-published_at", "-pk")[:FEED_SIZE])

    def item_title(self, item: Report) -> str:
        return report_title(item)

    def item_description(self, item: Report) -> str:
        text = _("%(title)s: the period %(period)s.") % {
            "title": report_title(item),
            "period": period_label(item),
        }
        if item.correction_note:
            text += " " + _("This version corrects the one before: %(note)s") % {
                "note": item.correction_note
            }
        return text

    def item_link(self, item: Report) -> str:
        return reverse("reports:report", args=[item.pk, self._language])

    def get_feed(self, obj: str, request: HttpRequest):  # noqa: ANN201
        self._language = obj
        return super().get_feed(obj, request)

    def item_guid(self, item: Report) -> str:
        return reverse("reports:report", args=[item.pk, self._language])

    def item_pubdate(self, item: Report):  # noqa: ANN201
        return item.published_at

    def item_updateddate(self, item: Report):  # noqa: ANN201
        return item.published_at

    def item_enclosures(self, item: Report) -> list:
        return []
