import pytest

from opsbase.kernel.policy import Rule, policy
from opsbase.web import navigation

ADMIN_ONLY = "webtest.admin_only"


@pytest.fixture
def web_urls(settings):
    """The library's URLs plus test pages (raising errors, adding messages)."""
    settings.ROOT_URLCONF = "tests.web.urls"


@pytest.fixture
def admin_only_item(web_urls):
    """A sidebar entry behind a codename only Admins hold by default; removed afterwards."""
    rule = Rule(codename=ADMIN_ONLY, label="Test admin area", denial="Admins only.")
    policy.register(rule)
    item = navigation.NavItem(
        label="Secret plans", url_name="webtest_items", icon="lock", codename=ADMIN_ONLY
    )
    navigation.register(item)
    yield item
    navigation.unregister(item.url_name)
    policy._rules.pop(ADMIN_ONLY, None)
