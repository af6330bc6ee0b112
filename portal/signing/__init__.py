"""Signing agreements without Flask or a database: the network's certificate authority, its time-stamping
authority and revocation list, protected keys, PAdES signatures on the agreement PDFs, their long-term
validation data and their verification.

    keys           key_encryption_password, dump_private_key, load_private_key, new_signing_key
    ca             create_ca, issue_org_certificate, issue_tsa_certificate, load_ca_from_files, …
    crl            build_crl, regeneration_due, revocation_of (the network CA's CRL, served at /ca.crl)
    tsa            NetworkTSA (the network's RFC 3161 TSA: respond() for POST /tsa, and a pyHanko TimeStamper),
                   external_timestamper (a configured TSA_URL with Basic auth)
    pdfsign        certify (network approval + every party's empty field), sign_party (visible approval
                   signature); both time-stamped (B-T) when given a timestamper
    ltv            extend_to_lta (DSS + document time-stamp), renew_archival_timestamp, renewal_due(_at)
    verify         verify_pdf -> Report (validation at the proven time; never raises on bad input)
    external       check_external_signature: a party's own qualified signature on the signing copy
    trusted_list   load_trusted_list: an EU trusted list, for qualified status
    evidence, levels, changes, embedded: what verify, ltv and external share

The web layer stores keys, PDFs, revocations and CRLs and decides who may sign when; nothing here knows about
any of it.
"""
