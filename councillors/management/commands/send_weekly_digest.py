"""``manage.py send_weekly_digest``: send a week's digest now, in this process.

The batches are sent here rather than by Celery workers, so a manual run works
when no worker is running. The claim on each digest row still holds, so running
this while the hourly job's run is going sends nobody a second digest.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from councillors.actions import runs, sending
from councillors.models import Digest
from councillors.weeks import week_of


class Command(BaseCommand):
    help = (
        "Send the councillors' weekly digest now to every councillor who has it turned on and "
        "has not been sent this week's (or the given week's), whatever day they chose."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--week", metavar="YYYY-Www", help=_("The ISO week, like 2026-W48. Default: this week.")
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Build and render every digest, but send nothing and record no digests."),
        )
        parser.add_argument(
            "--councillor", metavar="EMAIL", help=_("Only the councillor with this email address.")
        )

    def handle(self, *args, week=None, dry_run=False, councillor=None, **options):
        started = time.monotonic()
        try:
            run = runs.start_run(
                week=week or week_of(timezone.now()),
                only_email=councillor,
                dry_run=dry_run,
                enqueue=False,
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        for batch in runs.pending_batches(run):
            sending.send_batch(run_id=run.pk, digest_ids=batch)
        run.refresh_from_db()
        self._summary(run, seconds=time.monotonic() - started)

    def _summary(self, run, *, seconds):
        write = self.stdout.write
        rendered = run.eligible - run.skipped
        if run.dry_run:
            write(
                ngettext(
                    "Dry run for %(week)s: built and rendered %(count)s digest. Nothing was sent.",
                    "Dry run for %(week)s: built and rendered %(count)s digests. Nothing was sent.",
                    rendered,
                )
                % {"week": run.week, "count": rendered}
            )
        else:
            write(_("Digests for %(week)s") % {"week": run.week})
        write(_("Eligible: %(count)s") % {"count": run.eligible})
        if not run.dry_run:
            waiting = Digest.objects.filter(sending.PENDING, run=run).count()
            write(_("Sent: %(count)s") % {"count": run.sent})
            if run.possibly_sent_twice:
                write(
                    _(
                        "Possibly sent twice (a worker stopped after the mail server took them): "
                        "%(count)s"
                    )
                    % {"count": run.possibly_sent_twice}
                )
            write(_("Failed: %(count)s") % {"count": run.failed})
            if waiting:
                write(
                    _("Waiting to be tried again by the hourly job: %(count)s") % {"count": waiting}
                )
        write(_("Skipped: %(count)s") % {"count": run.skipped})
        if run.problems:
            write(_("Problems:"))
            for problem in run.problems:
                write(f"  {problem['councillor']}: {problem['problem']}")
        write(_("Took %(seconds).1f seconds.") % {"seconds": seconds})
        if run.failed:
            self.stderr.write(
                _("Some digests could not be sent: see the digests in the admin site for why.")
            )
