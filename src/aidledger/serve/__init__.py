"""Serve: the REST API, the dashboard and the review workflow."""
