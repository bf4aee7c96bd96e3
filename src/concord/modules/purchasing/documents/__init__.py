"""Printed RFQs and purchase orders, and emailing them to the vendor."""
