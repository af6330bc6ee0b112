"""Signing agreements without Flask or a database: the network's certificate authority, protected keys,
PAdES signatures on the agreement PDFs and their verification.

    keys      key_encryption_password, dump_private_key, load_private_key, new_signing_key
    ca        create_ca, issue_org_certificate, load_ca_from_files, load_ca_from_pkcs12, certificate_pem, …
    pdfsign   certify (network approval + every party's empty field), sign_party (visible approval signature)
    verify    verify_pdf -> Report (never raises on bad input)
    external  check_external_signature: a party's own qualified signature on the signing copy

The web layer stores keys and PDFs and decides who may sign when; nothing here knows about either.
"""
