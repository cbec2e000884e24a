"""Campaigns (专项行动): anti-drowning seasons, anti-bullying terms and whatever else offices define."""
