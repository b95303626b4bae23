"""Thin handlers, one module per feature: parse the update, call a service, render, reply."""
