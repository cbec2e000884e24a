"""Sensitive incident logs of campaigns, and the anti-bullying committee."""
