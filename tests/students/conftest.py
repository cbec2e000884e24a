"""The campaigns' season (the 2027 calendar, classes) and HTTP-at-a-moment helper serve these tests too."""
from tests.campaigns.conftest import api, season  # noqa: F401
