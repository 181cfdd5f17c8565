"""Failure drills (`make drill`): see drills/__main__.py and the README section "Drills"."""
