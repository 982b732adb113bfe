"""The hotline: call records, the call centre's KPIs, and what waiting does to satisfaction."""
