"""Filled by this app's issue."""
