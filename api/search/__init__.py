"""Keyword search across meetings, agendas, minutes and decisions, within what a person may read."""
