"""The Atom feed of confirmed awards (``/awards/feed/``), newest first, beside the
opportunities' feed."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from portal.feeds import xml_safe
from portal.formats import date_in_words
from tenders.awards import awarded_value, feed_awards

ENTRIES = 50


class AwardFeed(Feed):
    """The 50 most recently confirmed awards; never one only intended or withdrawn."""

    feed_type = Atom1Feed
    subtitle = _("Contracts and grants awarded on the commissioning portal, newest first.")
    link = reverse_lazy("tenders:awards")

    def title(self):
        return f"{_('Contracts awarded')} – {settings.SERVICE_NAME} – {settings.COUNCIL_NAME}"

    def items(self):
        return feed_awards(limit=ENTRIES)

    def item_title(self, award):
        title = award.tender.opportunity.title
        return xml_safe(f"{title} – {award.lot}" if award.lot else title)

    def item_description(self, award):
        winners = [
            bid.organisation.name
            + "".join(f", {_('with')} {partner.display_name}" for partner in bid.current_partners)
            for bid in award.winners.all()
        ]
        value = awarded_value(award)
        parts = [_("Awarded to %(winners)s.") % {"winners": "; ".join(winners)}]
        if value:
            parts.append(_("Value: £%(value)s.") % {"value": f"{value:,.2f}"})
        parts.append(_("Confirmed on %(date)s.") % {"date": date_in_words(award.confirmed_at)})
        return xml_safe(" ".join(str(part) for part in parts))

    def item_link(self, award):
        # The award's own place on the opportunity's page, so each entry's link, and so
        # its id, is its own even when one opportunity has an award for each lot.
        page = reverse("opportunities:detail", args=[award.tender.opportunity.reference])
        return f"{page}#award-{award.pk}"

    def item_author_name(self, award):
        return xml_safe(award.tender.opportunity.publisher.name)

    def item_pubdate(self, award):
        return award.confirmed_at

    def item_updateddate(self, award):
        return award.confirmed_at
