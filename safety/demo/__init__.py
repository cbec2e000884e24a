"""The demo city: a realistic place for a newcomer to click through (`safety demo`)."""
from .city import DEMO_PASSWORD, build_demo_city, demo_loaded, print_logins

__all__ = ["DEMO_PASSWORD", "build_demo_city", "demo_loaded", "print_logins"]
