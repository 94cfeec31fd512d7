//! A Dataverse Web API + Microsoft Entra ID emulator, written from
//! Microsoft's documentation on its own: it shares no code or types with
//! `crm` (and imports nothing from engine, store or ui), so one misreading
//! of Dataverse cannot hide in both the client and its test peer.

pub mod generator;
pub mod tenant;
