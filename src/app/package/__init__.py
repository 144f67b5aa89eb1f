"""The signed handover package (issue #5) and its verification.

manifest.py    what the package holds (`manifest.json`, `rasoat.package/1`)
signing.py     the detached CMS signature of the manifest and the PAdES signatures of PDFs
build.py       writing the package: data, reports, manifest, signatures
envelope.py    encrypting a package for the receiving office (CMS EnvelopedData)
read.py        reading a zip that may come from anyone, defensively
trust.py       which signers a verifier trusts
cms_verify.py  checking the manifest's CMS signature and the signer's chain
pdf_verify.py  checking a PDF's PAdES signature
verify.py      the whole check: `verify_package(path, trust) -> VerificationReport`
"""
