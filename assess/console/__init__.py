"""The consultant console: its pages, and the services that act on whole rounds
(reporting, exporting, importing), which the CLI uses too."""
