"""The catalog's interconnect fields: conventions turned into per-direction bandwidth, sources."""

from __future__ import annotations

import pytest


def test_nvlink_headlines_are_halved_to_per_direction(catalog):
    """NVIDIA's NVLink figure sums both directions: A100 12 links x 50 GB/s = 600 GB/s, i.e. 300
    per direction (NVIDIA NVLink page); H100 18 x 25 = 450 GB/s "full-duplex" each way."""
    hw = catalog.hardware
    assert hw["a100-80gb"].intra_node_bytes_per_s == pytest.approx(300e9)
    assert hw["h100-sxm"].intra_node_bytes_per_s == pytest.approx(450e9)


def test_network_gbits_become_bytes(catalog):
    """One 200 Gb/s HDR NIC per A100 (Narayanan et al. 2021 s5) is 25 GB/s; 400 Gb/s per H100
    (Llama 3 s3.3.1) is 50 GB/s."""
    hw = catalog.hardware
    assert hw["a100-80gb"].network_bytes_per_s == pytest.approx(25e9)
    assert hw["h100-sxm"].network_bytes_per_s == pytest.approx(50e9)


def test_every_interconnect_number_has_a_source_and_unknowns_say_why(catalog):
    for hw in catalog.hardware.values():
        if hw.intra_node_gbs is not None or hw.network_gbps is not None:
            assert hw.interconnect_source and hw.interconnect_verification, hw.id
            assert hw.gpus_per_node, hw.id
        if hw.intra_node_gbs is None or hw.network_gbps is None:
            assert hw.interconnect_notes, hw.id  # an unknown value is never silently absent
