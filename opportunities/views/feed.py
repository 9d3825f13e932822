"""The Atom feed of published opportunities, newest first."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from opportunities import listings, queries
from portal.feeds import xml_safe as _xml_safe


class OpportunityFeed(Feed):
    """The 50 most recently published opportunities (never drafts), for feed readers."""

    feed_type = Atom1Feed
    subtitle = _("Contracts and grants published on the commissioning portal, newest first.")
    link = reverse_lazy("opportunities:search")

    def __call__(self, request, *args, **kwargs):
        # The same for everyone at one address (its links are absolute).
        return listings.kept(
            f"feed:{request.build_absolute_uri('/')}",
            lambda: super(OpportunityFeed, self).__call__(request, *args, **kwargs),
        )

    def title(self):
        return f"{_('Opportunities')} – {settings.SERVICE_NAME} – {settings.COUNCIL_NAME}"

    def items(self):
        return queries.feed_opportunities(limit=50)

    def item_title(self, opportunity):
        return _xml_safe(opportunity.title)

    def item_description(self, opportunity):
        return _xml_safe(opportunity.summary)

    def item_link(self, opportunity):
        return reverse("opportunities:detail", args=[opportunity.reference])

    def item_author_name(self, opportunity):
        return _xml_safe(opportunity.publisher.name)

    def item_pubdate(self, opportunity):
        return opportunity.published_at

    def item_updateddate(self, opportunity):
        return opportunity.published_at
