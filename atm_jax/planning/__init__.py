"""Ahead-of-time plans of a train step for a mesh that is not here."""
