"""The two sides: our project (this checkout, .venv) and django-helpdesk 1.0.0 (its own virtualenv)."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from bench import intake_api
from bench.peer import measure

PEER_DIR = Path(__file__).resolve().parent
BASE_DIR = PEER_DIR.parent.parent
FILL_MONTH = "2026-11"
LOG_DIR = Path(os.environ.get("PEER_LOG_DIR", "/tmp"))


def database_url(name):
    return f"postgres://postgres@127.0.0.1:5432/{name}"


class Ours:
    """Our intake: bench/intake_api.py's preparation, token and bodies; this process runs Django on its database."""

    name = "ours"

    def __init__(self, database, redis_url, workers):
        self.env = dict(os.environ, DATABASE_URL=database_url(database), REDIS_URL=redis_url, DEBUG="0")
        self.workers = workers

    def prepare(self):
        intake_api.ensure_database()  # migrate, load_directory, load_catalog, seed_demo
        self.token, self.bodies = intake_api.fixtures()
        from django.test import Client

        from dispatch.models import User

        client = Client()
        client.force_login(User.objects.get(username="agent"))
        self.session = client.cookies["sessionid"].value
        word = json.loads(self.bodies[0])["content"].split("：")[0]
        self.lists = {
            "api": ("/api/tickets/?limit=50", {"Authorization": f"Token {self.token}"}),
            "page": (f"/tickets/?q={quote(word)}", {"Cookie": f"sessionid={self.session}"}),
        }
        self.page_label = f"agent's /tickets/?q={word} (its ticket page: a search, 100 rows)"

    def start(self):
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        self.server, self.port = measure.start_gunicorn(gunicorn, "config.wsgi", BASE_DIR, self.env, self.workers,
                                                       LOG_DIR / "gunicorn-ours.log")

    def count(self):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM hotline_ticket")
            return cursor.fetchone()[0]

    def fill(self, target):
        missing = target - self.count()
        if missing > 0:
            subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), "generate_tickets", "--month", FILL_MONTH,
                            "--count", str(missing), "--seed", "1"], check=True, env=self.env, cwd=BASE_DIR,
                           stdout=subprocess.DEVNULL)
        return self.count()


class Peer:
    """django-helpdesk 1.0.0 in bench/peer/helpdesk_site, run by its own virtualenv (made from requirements.txt)."""

    name = "peer"

    def __init__(self, database, venv, workers):
        self.venv = Path(venv)
        self.python = str(self.venv / "bin" / "python")
        self.env = dict(os.environ, DATABASE_URL=database_url(database),
                        DJANGO_SETTINGS_MODULE="helpdesk_site.settings")
        for key in ("REDIS_URL", "PYTHONPATH"):
            self.env.pop(key, None)
        self.workers = workers

    def ensure_venv(self):
        """Create the virtualenv and install requirements.txt into it when the file changed since the last install."""
        requirements = PEER_DIR / "requirements.txt"
        stamp = self.venv / "requirements.sha256"
        digest = hashlib.sha256(requirements.read_bytes()).hexdigest()
        if stamp.exists() and stamp.read_text() == digest:
            return
        if not Path(self.python).exists():
            subprocess.run(["python3", "-m", "venv", str(self.venv)], check=True)
        subprocess.run([self.python, "-m", "pip", "install", "-q", "-r", str(requirements)], check=True)
        stamp.write_text(digest)

    def setup(self, *args):
        result = subprocess.run([self.python, "-m", "helpdesk_site.setup_peer", *args], check=True, env=self.env,
                                cwd=PEER_DIR, capture_output=True, text=True)
        return result.stdout.strip().splitlines()[-1]

    def prepare(self, our_bodies):
        self.ensure_venv()
        info = json.loads(self.setup("prepare"))
        self.token, self.session = info["token"], info["session"]
        self.bodies = []
        for raw in our_bodies:  # the same calls as ours, in helpdesk's fields
            body = json.loads(raw)
            self.bodies.append(json.dumps({
                "queue": info["queue"], "title": body["content"][:60], "priority": 3,
                "description": f"{body['content']}\n地址：{body['address']}",
                "submitter_email": f"{body['caller_phone']}@example.com",
            }, ensure_ascii=False).encode())
        self.page_label = "staff /tickets/ page + its datatables JSON (first 50, newest first)"

    def start(self):
        gunicorn = str(self.venv / "bin" / "gunicorn")
        self.server, self.port = measure.start_gunicorn(gunicorn, "helpdesk_site.wsgi", PEER_DIR, self.env,
                                                       self.workers, LOG_DIR / "gunicorn-peer.log")
        # The list page's table is filled by its datatables view, at a URL the page carries (its saved filter).
        headers = {"Cookie": f"sessionid={self.session}"}
        _, status, html = measure.get_ms(self.port, "/tickets/", headers)
        assert status == 200, status
        path = html.decode().split("datatables_ticket_list/", 1)[1].split('"', 1)[0]
        self.lists = {
            "api": ("/api/tickets/?limit=50", {"Authorization": f"Token {self.token}"}),
            "page": ("/tickets/", headers),
            "page_data": (f"/datatables_ticket_list/{path}?draw=1&start=0&length=50&order%5B0%5D%5Bcolumn%5D=5"
                          "&order%5B0%5D%5Bdir%5D=desc", headers),
        }

    def count(self):
        return int(self.setup("fill", "0"))

    def fill(self, target):
        missing = target - self.count()
        return int(self.setup("fill", str(missing))) if missing > 0 else self.count()

