"""The demonstration bank: accounts, surveys, fieldwork and a year of reports."""
