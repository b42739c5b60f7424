import pytest
from django.utils import timezone

from demodata.users import seed_demo_users
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
    """One demo user per role, keyed by username (see demodata/users.py)."""
    return {user.username: user for user in seed_demo_users()}


@pytest.fixture
def users(demo_users):
    return demo_users


@pytest.fixture
def catalog(directory):
    """A small current catalog: heating (热力集团, 24h, dispatched as a utility), street-level sanitation (7d), a
    consultation leaf."""
    from dispatch.choices import DispatchClass, RequestType, Responsible, Tier
    from dispatch.models import CatalogItem, CatalogVersion

    version = CatalogVersion.objects.create(number=900, label="测试目录", is_current=True)

    def node(code, name, level, parent=None, **rules):
        return CatalogItem.objects.create(version=version, code=code, name=name, level=level, parent=parent, **rules)

    city = node("01", "城乡建设", 1)
    utilities = node("0101", "供水供电供气供暖", 2, city)
    local = node("0102", "市容环境", 2, city)
    return {
        "heating": node("0101001", "冬季采暖", 3, utilities, keywords="暖气不热、供暖", responsible=Responsible.UNIT,
                        responsible_unit=directory["E002"], default_tier=Tier.H24,
                        default_request_type=RequestType.HELP, dispatch_class=DispatchClass.UTILITIES),
        "sanitation": node("0102001", "环境卫生", 3, local, keywords="垃圾、脏乱", responsible=Responsible.STREET,
                           default_tier=Tier.D7, default_request_type=RequestType.COMPLAINT),
        "policy": node("0102002", "政策咨询", 3, local, responsible=Responsible.STREET, default_tier=Tier.D7,
                       default_request_type=RequestType.CONSULTATION),
    }


@pytest.fixture
def now():
    """The current time, read once per test."""
    return timezone.now()
