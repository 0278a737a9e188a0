"""Solicitations: drafting and approval, publication, notices, questions and addenda, demand
from participating agencies; lifecycle.py is the state machine."""
