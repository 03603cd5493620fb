"""The web's queries on PostgreSQL: the same tests as on SQLite, against a fresh schema."""

from __future__ import annotations

import pytest

from storage.config_loader import load_config
from storage.db import session_scope
from tests.db import fresh_database
from tests.web.tenants import config

# the SQLite tests, collected here again with this module's `tenant_db`
from tests.web.test_api_errors import test_absurd_numbers_never_reach_the_database  # noqa: F401
from tests.web.test_auth import test_clerk_token_authenticates_the_api_and_dies_with_the_password  # noqa: F401
from tests.web.test_clerk_pages import (  # noqa: F401
    test_dashboard_counts,
    test_dashboard_skonto_kept_and_lost_and_lead_time,
    test_inbox_shows_the_groups_tasks_sorted_and_filtered,
    test_invoice_page_shows_everything_and_the_actions_of_the_step,
    test_search_by_number_amount_date_and_status,
)
from tests.web.test_isolation import (  # noqa: F401
    test_clerk_of_another_city_gets_404,
    test_lists_and_search_show_only_the_own_city,
    test_supplier_sees_only_its_own_invoices,
)
from tests.web.test_clerk_pages import three_invoices  # noqa: F401  (fixtures used by those tests)
from tests.web.test_isolation import invoices  # noqa: F401

pytestmark = pytest.mark.postgres


@pytest.fixture
def tenant_db(tmp_path):
    with fresh_database("postgres", tmp_path) as database:
        with session_scope(database.engine) as session:
            load_config(session, config())
        yield database
