"""crisisbook: crisis playbooks in YAML, validated and rendered into an intranet handbook."""

__version__ = "0.1.0"
