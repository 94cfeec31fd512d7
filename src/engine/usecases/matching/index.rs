//! The blocking index: every CRM contact and account reduced once to the
//! keys the rules look up, so matching one member touches only the few
//! contacts that share a key with it instead of all of them.
//!
//! At a million contacts a `String` per id, name and key and a map entry
//! per key cost more than the data (391 MB), so the texts live back to
//! back in a few buffers ([`Texts`]) and the key look-ups are sorted
//! arrays of hashes ([`Keys`]); the index is built chunk by chunk, so a
//! caller streams the contacts from the store instead of holding them.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::normalise;

/// Position of a contact or account in the index.
pub(crate) type Idx = u32;

/// The `account` of a contact that has none.
const NO_ACCOUNT: Idx = Idx::MAX;

/// Contact or account ids. Dataverse's ids are GUIDs: held as text, a
/// million contacts' ids took 40 MB, a third of the index; as numbers
/// they take 16. An id that is no GUID in the lowercase form Dataverse
/// writes (a hand-made mirror row) is kept as text, so every id comes
/// back exactly as it went in.
#[derive(Debug, Default)]
struct Ids {
    guids: Vec<u128>,
    /// The ids kept as text, and their positions (ascending); their
    /// place in `guids` holds [`NOT_A_GUID`].
    texts: Texts,
    at: Vec<Idx>,
}

/// Marks an id kept as text (the GUID of all ones is kept as text too).
const NOT_A_GUID: u128 = u128::MAX;

/// The GUID `id` spells, if it spells it as Dataverse writes it
/// (lowercase, hyphenated): read by hand, as it runs for every contact
/// and its account while the index is built.
fn canonical_guid(id: &str) -> Option<u128> {
    let b = id.as_bytes();
    if b.len() != 36 {
        return None;
    }
    let mut guid = 0u128;
    for (i, &c) in b.iter().enumerate() {
        let digit = match (i, c) {
            (8 | 13 | 18 | 23, b'-') => continue,
            (8 | 13 | 18 | 23, _) => return None,
            (_, b'0'..=b'9') => c - b'0',
            (_, b'a'..=b'f') => c - b'a' + 10,
            _ => return None,
        };
        guid = guid << 4 | u128::from(digit);
    }
    Some(guid).filter(|&g| g != NOT_A_GUID)
}

impl Ids {
    fn push(&mut self, id: &str) -> Idx {
        let i = self.guids.len() as Idx;
        match canonical_guid(id) {
            Some(g) => self.guids.push(g),
            None => {
                self.guids.push(NOT_A_GUID);
                self.texts.push(id);
                self.at.push(i);
            }
        }
        i
    }

    fn get(&self, i: Idx) -> String {
        match self.guids[i as usize] {
            NOT_A_GUID => self.text(i).to_string(),
            g => uuid::Uuid::from_u128(g).hyphenated().to_string(),
        }
    }

    /// Whether id `i` is `id`, without spelling it out.
    fn is(&self, i: Idx, id: &str) -> bool {
        match self.guids[i as usize] {
            NOT_A_GUID => self.text(i) == id,
            g => canonical_guid(id) == Some(g),
        }
    }

    fn text(&self, i: Idx) -> &str {
        self.at
            .binary_search(&i)
            .map_or("", |k| self.texts.get(k as Idx))
    }

    fn len(&self) -> usize {
        self.guids.len()
    }

    fn shrink_to_fit(&mut self) {
        self.guids.shrink_to_fit();
        self.texts.shrink_to_fit();
        self.at.shrink_to_fit();
    }
}

/// Many strings in one buffer, each found by its number.
#[derive(Debug, Default)]
pub(crate) struct Texts {
    text: String,
    ends: Vec<u32>,
}

impl Texts {
    fn push(&mut self, s: &str) -> u32 {
        self.text.push_str(s);
        self.ends.push(self.text.len() as u32);
        (self.ends.len() - 1) as u32
    }

    pub fn get(&self, k: Idx) -> &str {
        let k = k as usize;
        let start = if k == 0 { 0 } else { self.ends[k - 1] as usize };
        &self.text[start..self.ends[k] as usize]
    }

    fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
    }
}

/// Keys (e-mails, profile slugs, company keys, ids) and the row holding
/// each, looked up by hash in a sorted array and compared whole, so a hash
/// collision never joins two keys. Rows come back in the order they were
/// pushed, as a map of `Vec`s would give them.
#[derive(Debug, Default)]
pub struct Keys {
    keys: Texts,
    rows: Vec<Idx>,
    /// (short hash of key k, k), sorted once all keys are in. Half a
    /// hash is enough to find a key among millions in a few compares, and
    /// it halves what the array costs.
    sorted: Vec<(u32, u32)>,
}

/// A fast hash of a key (one multiply per 8 bytes, then mixed): every
/// look-up compares the keys whole, so a collision costs a compare and
/// never gives a wrong answer.
fn hash(key: &str) -> u64 {
    const K: u64 = 0xf135_7aea_2e62_a9c5;
    let step = |h: u64, word: u64| (h.rotate_left(26) ^ word).wrapping_mul(K);
    let mut h = key.len() as u64;
    let mut words = key.as_bytes().chunks_exact(8);
    for w in &mut words {
        let mut b = [0u8; 8];
        b.copy_from_slice(w);
        h = step(h, u64::from_le_bytes(b));
    }
    let rest = words.remainder();
    if !rest.is_empty() {
        let mut b = [0u8; 8];
        b[..rest.len()].copy_from_slice(rest);
        h = step(h, u64::from_le_bytes(b));
    }
    let h = (h ^ (h >> 29)).wrapping_mul(K);
    h ^ (h >> 32)
}

fn short_hash(key: &str) -> u32 {
    (hash(key) >> 32) as u32
}

/// Maps keyed by a [`hash`] already taken: the key is its own hash.
type ByHash<V> = HashMap<u64, V, BuildHasherDefault<Prehashed>>;

#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

impl Keys {
    fn push(&mut self, key: &str, row: Idx) {
        let k = self.keys.push(key);
        self.rows.push(row);
        self.sorted.push((short_hash(key), k));
    }

    fn seal(&mut self) {
        self.sorted.sort_unstable();
        self.keys.shrink_to_fit();
        self.rows.shrink_to_fit();
        self.sorted.shrink_to_fit();
    }

    /// The rows holding `key`, in the order they were pushed.
    pub fn get<'a>(&'a self, key: &'a str) -> impl Iterator<Item = Idx> + 'a {
        let h = short_hash(key);
        let from = self.sorted.partition_point(|&(x, _)| x < h);
        self.sorted[from..]
            .iter()
            .take_while(move |&&(x, _)| x == h)
            .filter(move |&&(_, k)| self.keys.get(k) == key)
            .map(|&(_, k)| self.rows[k as usize])
    }
}

/// What matching needs of one CRM contact, borrowed from wherever the
/// caller keeps it (a mirror row, a row read from the store).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ContactFields<'a> {
    pub contactid: &'a str,
    pub fullname: &'a str,
    pub email: Option<&'a str>,
    pub parentaccountid: Option<&'a str>,
    pub linkedin_url: Option<&'a str>,
}

/// What matching needs of one CRM account.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AccountFields<'a> {
    pub accountid: &'a str,
    pub name: &'a str,
    pub websiteurl: Option<&'a str>,
}

/// Contacts and accounts with their comparison keys computed once.
#[derive(Debug, Default)]
pub(crate) struct BlockingIndex {
    contact_ids: Ids,
    /// Each distinct normalised full name ("jose maria nunez") once.
    names: Texts,
    /// Each contact's name in `names`.
    name_of: Vec<u32>,
    /// Each contact's account, [`NO_ACCOUNT`] when it has none in the index.
    contact_account: Vec<Idx>,
    account_ids: Ids,
    account_names: Texts,
    pub by_email: Keys,
    pub by_profile: Keys,
    /// Family name plus given-name initial -> contacts: the block for
    /// suggesting look-alikes outside the member's company. The initial
    /// keeps a common surname's block small; a typo in the first letter of
    /// a surname is the price. Each block holds (name, contact) pairs
    /// sorted by name, so equal names are neighbours.
    by_family: HashMap<String, Vec<(u32, Idx)>>,
    /// Contacts by account: those of account a are
    /// `account_contacts[account_starts[a]..account_starts[a + 1]]`.
    account_starts: Vec<u32>,
    account_contacts: Vec<Idx>,
    pub account_by_key: Keys,
    pub account_by_domain: Keys,
}

impl BlockingIndex {
    pub fn contact_id(&self, i: Idx) -> String {
        self.contact_ids.get(i)
    }

    pub fn contact_name(&self, i: Idx) -> &str {
        self.names.get(self.name_of[i as usize])
    }

    /// A name of [`family_block`](Self::family_block)'s pairs.
    pub fn name(&self, n: u32) -> &str {
        self.names.get(n)
    }

    pub(crate) fn contact_account(&self, i: Idx) -> Option<Idx> {
        Some(self.contact_account[i as usize]).filter(|&a| a != NO_ACCOUNT)
    }

    pub fn account_id(&self, a: Idx) -> String {
        self.account_ids.get(a)
    }

    pub(crate) fn account_name(&self, a: Idx) -> &str {
        self.account_names.get(a)
    }

    /// The contacts of account `a`, in the order they were added.
    pub(crate) fn at_account(&self, a: Idx) -> &[Idx] {
        let a = a as usize;
        match (self.account_starts.get(a), self.account_starts.get(a + 1)) {
            (Some(&from), Some(&to)) => &self.account_contacts[from as usize..to as usize],
            _ => &[],
        }
    }

    /// The `by_family` block of a normalised name: (name, contact) pairs,
    /// equal names side by side.
    pub(crate) fn family_block(&self, name: &str) -> &[(u32, Idx)] {
        let mut key = String::new();
        if family_key(name, &mut key) {
            self.by_family.get(&key).map_or(&[], Vec::as_slice)
        } else {
            &[]
        }
    }
}

/// Builds a [`BlockingIndex`]: every account first, then the contacts in
/// chunks of any size, then [`IndexBuilder::finish`].
#[derive(Default)]
pub(crate) struct IndexBuilder {
    ix: BlockingIndex,
    accounts_sealed: bool,
    family_key: String,
    /// Hash of a name -> the last distinct name with that hash; the
    /// others with it are chained in `same_hash`.
    name_by_hash: ByHash<u32>,
    same_hash: Vec<u32>,
    /// Hash of an account id -> the last account with that hash; the
    /// ids whole in `account_by_id` for when two share a hash.
    account_by_hash: ByHash<Idx>,
    account_by_id: Keys,
}

impl IndexBuilder {
    pub fn account(&mut self, a: AccountFields<'_>) {
        debug_assert!(!self.accounts_sealed, "accounts come before contacts");
        let ix = &mut self.ix;
        let i = ix.account_ids.push(a.accountid);
        ix.account_names.push(a.name);
        self.account_by_id.push(a.accountid, i);
        self.account_by_hash.insert(hash(a.accountid), i);
        ix.account_by_key.push(&normalise::company_key(a.name), i);
        if let Some(d) = a.websiteurl.and_then(normalise::website_domain) {
            ix.account_by_domain.push(&d, i);
        }
    }

    /// Adds contacts after those added before. Normalising is the costly
    /// part and independent per contact: it runs on every core, then the
    /// keys are filed in order.
    pub fn contacts(&mut self, contacts: &[ContactFields<'_>]) {
        if !self.accounts_sealed {
            self.accounts_sealed = true;
            self.account_by_id.seal();
        }
        let keys = super::par_map(contacts, |c| ContactKeys {
            name: normalise::person_name(c.fullname),
            email: c.email.and_then(normalise::email),
            profile: c.linkedin_url.and_then(normalise::profile_slug),
        });
        for (c, keys) in contacts.iter().zip(keys) {
            let account = c
                .parentaccountid
                .and_then(|id| self.account_with_id(id))
                .unwrap_or(NO_ACCOUNT);
            let name = self.intern(&keys.name);
            let ix = &mut self.ix;
            let i = ix.contact_ids.push(c.contactid);
            ix.name_of.push(name);
            ix.contact_account.push(account);
            if let Some(e) = keys.email {
                ix.by_email.push(&e, i);
            }
            if let Some(p) = keys.profile {
                ix.by_profile.push(&p, i);
            }
            if family_key(&keys.name, &mut self.family_key) {
                match ix.by_family.get_mut(self.family_key.as_str()) {
                    Some(block) => block.push((name, i)),
                    None => {
                        ix.by_family
                            .insert(self.family_key.clone(), vec![(name, i)]);
                    }
                }
            }
        }
    }

    pub fn finish(mut self) -> BlockingIndex {
        self.contacts(&[]);
        // The look-ups for building are dropped (at the end of this block)
        // before the sealing below allocates: at a million contacts they
        // are tens of MB of the build's peak.
        let mut ix = {
            let builder = self;
            builder.ix
        };
        ix.account_by_key.seal();
        ix.account_by_domain.seal();
        ix.contact_ids.shrink_to_fit();
        ix.names.shrink_to_fit();
        ix.name_of.shrink_to_fit();
        ix.contact_account.shrink_to_fit();
        ix.account_ids.shrink_to_fit();
        ix.account_names.shrink_to_fit();
        ix.by_email.seal();
        ix.by_profile.seal();
        // Contacts by account, in contact order: a counting sort.
        let accounts = ix.account_ids.len();
        let mut starts = vec![0u32; accounts + 1];
        for &a in ix.contact_account.iter().filter(|&&a| a != NO_ACCOUNT) {
            starts[a as usize + 1] += 1;
        }
        for a in 0..accounts {
            starts[a + 1] += starts[a];
        }
        let mut next = starts.clone();
        let mut contacts = vec![0; starts[accounts] as usize];
        for (i, &a) in ix.contact_account.iter().enumerate() {
            if a != NO_ACCOUNT {
                contacts[next[a as usize] as usize] = i as Idx;
                next[a as usize] += 1;
            }
        }
        ix.account_starts = starts;
        ix.account_contacts = contacts;
        // Equal names side by side: a scan scores each distinct name once.
        for block in ix.by_family.values_mut() {
            block.sort_unstable();
            block.shrink_to_fit();
        }
        ix
    }

    /// The account with id `id`; the last one added when several have it,
    /// as a map from id to account would have it.
    fn account_with_id(&self, id: &str) -> Option<Idx> {
        let a = *self.account_by_hash.get(&hash(id))?;
        if self.ix.account_ids.is(a, id) {
            Some(a)
        } else {
            // Another id with the same hash came later: look it up whole.
            self.account_by_id.get(id).last()
        }
    }

    /// The number of `name` in the index's distinct names, added if new.
    fn intern(&mut self, name: &str) -> u32 {
        let h = hash(name);
        let mut n = self.name_by_hash.get(&h).copied();
        while let Some(k) = n {
            if self.ix.names.get(k) == name {
                return k;
            }
            n = Some(self.same_hash[k as usize]).filter(|&p| p != u32::MAX);
        }
        let k = self.ix.names.push(name);
        self.same_hash
            .push(self.name_by_hash.insert(h, k).unwrap_or(u32::MAX));
        k
    }
}

/// Writes the `by_family` key of a normalised name into `out` ("perez a"
/// for "ana perez"); false when the name has none.
fn family_key(name: &str, out: &mut String) -> bool {
    let (given, family) = normalise::given_and_family(name);
    out.clear();
    let Some(initial) = given.chars().next() else {
        return false;
    };
    if family.is_empty() {
        return false;
    }
    out.push_str(family);
    out.push(' ');
    out.push(initial);
    true
}

struct ContactKeys {
    name: String,
    email: Option<String>,
    profile: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Dataverse's GUIDs are held as numbers and come back as written;
    /// any other id (upper case, no hyphens, not a GUID, the all-ones
    /// GUID that marks text) is held as text and comes back unchanged.
    #[test]
    fn every_id_comes_back_as_it_went_in() {
        let ids = [
            "0f8fad5b-d9cb-469f-a165-70867728950e",
            "0F8FAD5B-D9CB-469F-A165-70867728950E",
            "0f8fad5bd9cb469fa16570867728950e",
            "c-0000001",
            "",
            "ffffffff-ffff-ffff-ffff-ffffffffffff",
            "0f8fad5b-d9cb-469f-a165-70867728950g",
            "0f8fad5b+d9cb-469f-a165-70867728950e",
            "00000000-0000-0000-0000-000000000000",
        ];
        let mut held = Ids::default();
        for id in ids {
            held.push(id);
        }
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(held.get(i as Idx), *id);
            assert!(held.is(i as Idx, id));
        }
        assert_eq!(held.texts.ends.len(), 7, "the non-canonical ones as text");
        assert!(
            !held.is(0, ids[1]),
            "the same GUID in capitals is another id"
        );
        assert!(!held.is(3, "c-0000002"));
        assert_eq!(
            canonical_guid(ids[0]),
            Some(uuid::Uuid::parse_str(ids[0]).unwrap().as_u128())
        );
    }
}
