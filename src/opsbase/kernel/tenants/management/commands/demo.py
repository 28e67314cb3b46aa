from django.core.management import call_command
from django.core.management.base import BaseCommand

from opsbase.kernel.demo import demo_password, demo_seed


class Command(BaseCommand):
    help = "Migrate, load the demo tenants and accounts, print the password, and optionally serve."

    def add_arguments(self, parser):
        parser.add_argument("--password", help="Password for every demo account (default: random).")
        parser.add_argument("--serve", action="store_true", help="Run the development server.")
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args, password=None, serve=False, addrport="127.0.0.1:8000", **options):
        call_command("migrate", interactive=False, verbosity=0)
        password = password or demo_password()
        accounts = demo_seed(password=password)
        out = self.stdout
        out.write(self.style.SUCCESS("Demo data is ready."))
        out.write("")
        for account in accounts:
            out.write(f"  {account.email:<22} {account.tenant:<8} {account.role}")
        out.write("")
        out.write(f"  Password for every account: {password}")
        out.write(f"  Open http://{addrport}/ and sign in.")
        out.write("")
        if serve:
            call_command("runserver", addrport, use_reloader=False)
