"""Access: sharing and showing what the store preserved. Reads bags; never writes to them.

- :mod:`archiver.access.bag`: a bag read for access (its WARCs, CDXJ index, Dublin Core
  values, the article's page), shared by everything below;
- :mod:`archiver.access.wacz`: a WACZ package for ReplayWeb.page and pywb;
- :mod:`archiver.access.oai_dc`: an OAI-PMH ``oai_dc`` record;
- :mod:`archiver.access.export`: both for one bag, after one full validation;
- :mod:`archiver.access.catalogue`: a CSV/XML catalogue of a whole store;
- :mod:`archiver.access.replay`: a small local viewer of one bag's records;
- :mod:`archiver.access.output`: exports written whole or not at all, never inside a bag or
  a store.

Checking bags is not access's job (:mod:`archiver.verify`): a bag that cannot be shared is an
error naming the file at fault, not a list of findings.
"""
