"""BagIt (RFC 8493): reading, writing and checking bags, whoever made them.

- :mod:`archiver.bagit.read`: what is in a bag, found without following links, and its tag
  files parsed (bagit.txt, bag-info.txt, manifests, fetch.txt); :func:`~archiver.bagit.read.is_bag`
  is the package's one definition of a bag, and :func:`~archiver.bagit.read.open_in_bag` and
  :func:`~archiver.bagit.read.read_in_bag` the one way to read a file of a bag (no link
  followed at any level, size bounded).
- :mod:`archiver.bagit.rules`: the BagIt checks of any bag, as coded findings
  (:func:`~archiver.bagit.rules.check_bagit`).
- :mod:`archiver.bagit.fixity`: every checksum of every manifest, one read per file.
- :mod:`archiver.bagit.write`: the package stage, writing archiver's BagIt 1.0 bags.

Nothing here knows what archiver puts in a bag (WARC, Dublin Core): that is
:mod:`archiver.verify.content`'s business. (The outside library bagit-python is imported as
``bagit``; it gives a second opinion in :mod:`archiver.verify`.)
"""
