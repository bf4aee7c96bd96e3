"""The helpdesk's web chat channel: an embeddable widget, the assistant's first answer, agents' chat inbox."""
