"""Writes of CRM: leads, opportunities, pipelines and stages, lost reasons, campaigns, lead forms."""
