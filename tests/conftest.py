import pytest

from dispatch.demo import seed_demo_users
from dispatch.directory import load_directory
from dispatch.models import Unit


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the directory once per test database; each test then runs inside a rolled-back transaction."""
    with django_db_blocker.unblock():
        load_directory()


@pytest.fixture
def directory(db):
    """The real Beijing directory: 16 districts, 343 streets/townships, departments and enterprises."""
    if not Unit.objects.exists():  # a transactional test before this one flushed the tables
        load_directory()
    return {unit.code: unit for unit in Unit.objects.all()}


@pytest.fixture
def demo_users(directory):
    """One demo user per role, keyed by username (see dispatch/demo.py)."""
    return {user.username: user for user in seed_demo_users()}
