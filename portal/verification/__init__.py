"""The public /verify page: anyone checks a downloaded agreement (or types its verification code) and
learns who signed it, whether the signatures are intact and trusted, and whether it is the document of record."""
