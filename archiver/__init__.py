"""archiver: preserve news articles as verified BagIt bags.

The pipeline, one module per stage::

    capture  ->  warc  ->  extract  ->  describe  ->  package  ->  verify  ->  store
    (bytes)     (WARC)    (Article)    (Dublin Core)  (BagIt bag)  (findings)  (atomic move)

``cli`` sits on top and is the only module that prints or exits.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
