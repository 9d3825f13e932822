from django.core.management.base import BaseCommand

from home import demo


class Command(BaseCommand):
    help = "Load the demo data: Birmingham's wards and a login for every role. Idempotent."

    def handle(self, *args, **options):
        demo.seed()
        self.stdout.write(self.style.SUCCESS("Demo data is loaded. Sign in with:"))
        width = max(len(email) for email, _name, _role in demo.DEMO_USERS)
        for email, _name, role in demo.DEMO_USERS:
            self.stdout.write(f"  {email.ljust(width)}  {role}")
        self.stdout.write(f"  Password for all of them: {demo.DEMO_PASSWORD}")
