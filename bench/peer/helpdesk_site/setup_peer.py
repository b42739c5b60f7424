"""Run with the peer virtualenv's python from bench/peer: `python -m helpdesk_site.setup_peer prepare|fill N`.

prepare: migrate, load helpdesk's e-mail templates (install docs, step 8), one queue, one staff user with a DRF
token and a logged-in session; prints them as one JSON line. fill N: adds N tickets, each with its "opened"
follow-up as helpdesk writes one, in one INSERT … SELECT per table (the bulk path, not the API); prints the count.
"""

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk_site.settings")


def prepare():
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    call_command("loaddata", "emailtemplate", verbosity=0)
    from django.contrib.auth.models import User
    from helpdesk.models import Queue
    from rest_framework.authtoken.models import Token

    queue, _ = Queue.objects.get_or_create(slug="hotline", defaults={"title": "12345 热线"})
    user, created = User.objects.get_or_create(username="agent", defaults={"is_staff": True})
    if created:
        user.set_password("agent-bench-password")
        user.save()
    token, _ = Token.objects.get_or_create(user=user)
    client = Client()
    client.force_login(user)
    print(json.dumps({"token": token.key, "queue": queue.pk, "user": user.pk,
                      "session": client.cookies["sessionid"].value}))


def fill(count):
    from django.db import connection, transaction
    from helpdesk.models import Queue, Ticket

    queue = Queue.objects.get(slug="hotline")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM helpdesk_ticket")
        start = cursor.fetchone()[0]
        # Spread over the last 90 days, newest last; statuses as a worked-through desk: mostly closed.
        cursor.execute("""
            INSERT INTO helpdesk_ticket (title, created, modified, submitter_email, status, on_hold, description,
                                         resolution, priority, queue_id, secret_key)
            SELECT '诉求 ' || g, now() - (%(n)s - g) * interval '90 days' / %(n)s,
                   now() - (%(n)s - g) * interval '90 days' / %(n)s, '139' || lpad((g %% 100000000)::text, 8, '0')
                   || '@example.com', (ARRAY[1, 2, 3, 4, 4, 4, 4, 4])[1 + g %% 8], false,
                   '反映问题请处理（第 ' || g || ' 号）', '', 1 + g %% 5, %(queue)s, gen_random_uuid()::text
            FROM generate_series(1, %(n)s) AS g""", {"n": count, "queue": queue.pk})
        cursor.execute("""
            INSERT INTO helpdesk_followup (date, title, comment, public, ticket_id)
            SELECT created, 'Ticket Opened', description, true, id FROM helpdesk_ticket WHERE id > %s""", [start])
        cursor.execute("ANALYZE helpdesk_ticket")
        cursor.execute("ANALYZE helpdesk_followup")
    print(Ticket.objects.count())


def main():
    import django

    django.setup()
    if sys.argv[1] == "prepare":
        prepare()
    elif sys.argv[1] == "fill":
        fill(int(sys.argv[2]))
    else:
        sys.exit("usage: setup_peer prepare | fill N")


if __name__ == "__main__":
    main()
