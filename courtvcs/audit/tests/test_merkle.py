"""The audit log's Merkle tree against the RFC 6962 test vectors.

Vectors copied from transparency-dev/merkle (Apache-2.0), the reference data that
Certificate Transparency implementations share:
  testonly/constants.go  (commit 582a6ad190b6848f1d26f8bf08ddef29955d9db1): leaf inputs,
                         roots for sizes 0..8
  proof/verify_test.go   (commit 02194e9afb6c1d95b5381350007963aa70fff472): inclusion and
                         consistency proofs (leaf numbers there count from 1)
RFC 9162 keeps the hashing of RFC 6962, so the same vectors hold.
"""

import pytest

from courtvcs.audit import merkle

LEAVES = [bytes.fromhex(h) for h in (
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657",
    "606162636465666768696a6b6c6d6e6f")]

ROOTS = [bytes.fromhex(h) for h in (
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
)]


def h(*hexes: str) -> list[bytes]:
    return [bytes.fromhex(x) for x in hexes]


# (leaf number counted from 1, tree size, proof)
INCLUSION = [
    (1, 1, []),
    (1, 8, h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
             "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
             "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")),
    (6, 8, h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
             "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
             "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")),
    (3, 3, h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")),
    (2, 5, h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
             "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
             "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")),
]

# (first size, second size, proof)
CONSISTENCY = [
    (1, 1, []),
    (1, 8, h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
             "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
             "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")),
    (6, 8, h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
             "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
             "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")),
    (2, 5, h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
             "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")),
    (6, 7, h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
             "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
             "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")),
]

HASHES = [merkle.leaf_hash(leaf) for leaf in LEAVES]


def test_the_empty_tree_has_the_rfc_root():
    assert merkle.root_hash([]) == ROOTS[0]
    assert merkle.Tree([]).root() == ROOTS[0]


@pytest.mark.parametrize("size", range(1, 9))
def test_roots_of_the_rfc_6962_vectors_for_every_size(size):
    assert merkle.root_hash(HASHES[:size]) == ROOTS[size]
    assert merkle.Tree(HASHES).root(size) == ROOTS[size]
    assert merkle.Tree(HASHES[:size]).root() == ROOTS[size]


@pytest.mark.parametrize("number, size, proof", INCLUSION)
def test_inclusion_proofs_of_the_rfc_6962_vectors(number, size, proof):
    index = number - 1
    assert merkle.Tree(HASHES).inclusion_proof(index, size) == proof
    assert merkle.verify_inclusion(index=index, size=size, leaf=HASHES[index], proof=proof,
                                   root=ROOTS[size])


@pytest.mark.parametrize("number, size, proof", [v for v in INCLUSION if v[2]])
def test_a_wrong_inclusion_proof_fails(number, size, proof):
    index, root, leaf = number - 1, ROOTS[size], HASHES[number - 1]
    assert not merkle.verify_inclusion(index=index ^ 1, size=size, leaf=leaf, proof=proof, root=root)
    assert not merkle.verify_inclusion(index=index, size=size * 2, leaf=leaf, proof=proof, root=root)
    assert not merkle.verify_inclusion(index=index, size=size, leaf=HASHES[index - 1 if index else 1],
                                       proof=proof, root=root)
    assert not merkle.verify_inclusion(index=index, size=size, leaf=leaf, proof=proof + [root],
                                       root=root)
    assert not merkle.verify_inclusion(index=index, size=size, leaf=leaf, proof=proof[:-1],
                                       root=root)
    for i in range(len(proof)):
        flipped = list(proof)
        flipped[i] = bytes([flipped[i][0] ^ 8]) + flipped[i][1:]
        assert not merkle.verify_inclusion(index=index, size=size, leaf=leaf, proof=flipped,
                                           root=root)


@pytest.mark.parametrize("first, second, proof", CONSISTENCY)
def test_consistency_proofs_of_the_rfc_6962_vectors(first, second, proof):
    assert merkle.Tree(HASHES).consistency_proof(first, second) == proof
    assert merkle.verify_consistency(first=first, second=second, first_root=ROOTS[first],
                                     second_root=ROOTS[second], proof=proof)


@pytest.mark.parametrize("first, second, proof", [v for v in CONSISTENCY if v[2]])
def test_a_wrong_consistency_proof_fails(first, second, proof):
    r1, r2 = ROOTS[first], ROOTS[second]
    assert not merkle.verify_consistency(first=first, second=second, first_root=r2,
                                         second_root=r1, proof=proof)
    assert not merkle.verify_consistency(first=first + 1, second=second, first_root=r1,
                                         second_root=r2, proof=proof)
    assert not merkle.verify_consistency(first=first, second=second, first_root=r1,
                                         second_root=r2, proof=[])
    assert not merkle.verify_consistency(first=first, second=second, first_root=r1,
                                         second_root=r2, proof=proof[:-1])
    for i in range(len(proof)):
        flipped = list(proof)
        flipped[i] = bytes([flipped[i][0] ^ 16]) + flipped[i][1:]
        assert not merkle.verify_consistency(first=first, second=second, first_root=r1,
                                             second_root=r2, proof=flipped)


def test_every_proof_of_a_larger_tree_verifies():
    hashes = [merkle.leaf_hash(str(i).encode()) for i in range(70)]
    tree = merkle.Tree(hashes)
    for size in range(1, 71):
        root = merkle.root_hash(hashes[:size])
        assert tree.root(size) == root
        for index in range(size):
            assert merkle.verify_inclusion(index=index, size=size, leaf=hashes[index],
                                           proof=tree.inclusion_proof(index, size), root=root)
        for first in range(0, size + 1):
            assert merkle.verify_consistency(first=first, second=size, first_root=tree.root(first),
                                             second_root=root,
                                             proof=tree.consistency_proof(first, size))
