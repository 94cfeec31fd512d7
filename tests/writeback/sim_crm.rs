//! `CrmWrites` spoken over real HTTP to the emulator: `$batch` change sets
//! and continue-on-error batches, PATCH, and an escaped contact search.
//! Test-side stand-in until the crm client implements the trait.

use futures::future::BoxFuture;
use navsync::engine::event::ContactHit;
use navsync::engine::writeback::{Create, CrmWrites, WriteError};
use serde_json::Value;

pub struct SimCrm {
    http: reqwest::Client,
    api: String,
    token: String,
}

impl SimCrm {
    pub async fn connect(
        instance_url: &str,
        token_url: &str,
        client_id: &str,
        secret: &str,
    ) -> Self {
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(20))
            .build()
            .unwrap();
        let r: Value = http
            .post(token_url)
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", client_id),
                ("client_secret", secret),
                ("scope", &format!("{instance_url}/.default")),
            ])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        SimCrm {
            http,
            api: format!("{instance_url}/api/data/v9.2/"),
            token: r["access_token"].as_str().unwrap().to_string(),
        }
    }

    fn part(&self, c: &Create) -> String {
        let caller = c
            .on_behalf_of
            .as_ref()
            .map(|u| format!("MSCRMCallerID: {u}\r\n"))
            .unwrap_or_default();
        format!(
            "Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\nPOST {}{} HTTP/1.1\r\nContent-Type: application/json\r\n{caller}\r\n{}\r\n",
            self.api, c.entity_set, c.body
        )
    }

    async fn batch(
        &self,
        creates: &[Create],
        changeset: bool,
    ) -> Result<Vec<(u16, String)>, WriteError> {
        let mut body = String::new();
        if changeset {
            body.push_str(
                "--batch_n\r\nContent-Type: multipart/mixed; boundary=changeset_n\r\n\r\n",
            );
            for c in creates {
                body.push_str("--changeset_n\r\n");
                body.push_str(&self.part(c));
            }
            body.push_str("--changeset_n--\r\n");
        } else {
            for c in creates {
                body.push_str("--batch_n\r\n");
                body.push_str(&self.part(c));
            }
        }
        body.push_str("--batch_n--\r\n");
        let r = self
            .http
            .post(format!("{}$batch", self.api))
            .bearer_auth(&self.token)
            .header("Content-Type", "multipart/mixed; boundary=batch_n")
            .header("Prefer", "odata.continue-on-error")
            .body(body)
            .send()
            .await
            .map_err(|e| WriteError::Unavailable(e.to_string()))?;
        if !r.status().is_success() {
            return Err(WriteError::Unavailable(format!(
                "$batch answered {}",
                r.status()
            )));
        }
        let text = r
            .text()
            .await
            .map_err(|e| WriteError::Unavailable(e.to_string()))?;
        Ok(statuses(&text))
    }
}

/// Each inner response's status and body, in order.
fn statuses(text: &str) -> Vec<(u16, String)> {
    text.split("HTTP/1.1 ")
        .skip(1)
        .map(|part| {
            let code = part.get(..3).and_then(|c| c.parse().ok()).unwrap_or(0);
            let body = part
                .split_once("\r\n\r\n")
                .map(|(_, b)| b.split("\r\n--").next().unwrap_or("").to_string())
                .unwrap_or_default();
            (code, body)
        })
        .collect()
}

fn classify(code: u16, body: &str) -> Result<(), WriteError> {
    if (200..300).contains(&code) {
        return Ok(());
    }
    let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let err_code = v["error"]["code"].as_str().unwrap_or_default();
    let message = v["error"]["message"].as_str().unwrap_or(body).to_string();
    if err_code == "0x80040237" {
        Err(WriteError::AlreadyExists)
    } else if code == 403 && message.contains("prvActOnBehalfOfAnotherUser") {
        Err(WriteError::OnBehalfRefused(message))
    } else if code == 429 || code >= 500 {
        Err(WriteError::Unavailable(message))
    } else {
        Err(WriteError::Refused(format!("{code} {err_code}: {message}")))
    }
}

impl CrmWrites for SimCrm {
    fn create_all<'a>(&'a self, creates: &'a [Create]) -> BoxFuture<'a, Result<(), WriteError>> {
        Box::pin(async move {
            for (code, body) in self.batch(creates, true).await? {
                classify(code, &body)?;
            }
            Ok(())
        })
    }

    fn create_each<'a>(
        &'a self,
        creates: &'a [Create],
    ) -> BoxFuture<'a, Result<Vec<Result<(), WriteError>>, WriteError>> {
        Box::pin(async move {
            let answers = self.batch(creates, false).await?;
            assert_eq!(answers.len(), creates.len(), "one answer per create");
            Ok(answers.iter().map(|(c, b)| classify(*c, b)).collect())
        })
    }

    fn update<'a>(
        &'a self,
        entity_set: &'a str,
        id: &'a str,
        body: &'a Value,
    ) -> BoxFuture<'a, Result<(), WriteError>> {
        Box::pin(async move {
            let r = self
                .http
                .patch(format!("{}{entity_set}({id})", self.api))
                .bearer_auth(&self.token)
                .header("If-Match", "*")
                .json(body)
                .send()
                .await
                .map_err(|e| WriteError::Unavailable(e.to_string()))?;
            let code = r.status().as_u16();
            let text = r.text().await.unwrap_or_default();
            classify(code, &text)
        })
    }

    fn search_contacts<'a>(
        &'a self,
        query: &'a str,
    ) -> BoxFuture<'a, Result<Vec<ContactHit>, WriteError>> {
        Box::pin(async move {
            let q = query.replace('\'', "''");
            let filter = format!("contains(fullname,'{q}') or contains(emailaddress1,'{q}')");
            let r = self
                .http
                .get(format!("{}contacts", self.api))
                .query(&[
                    ("$select", "contactid,fullname,emailaddress1,jobtitle"),
                    ("$filter", filter.as_str()),
                ])
                .bearer_auth(&self.token)
                .send()
                .await
                .map_err(|e| WriteError::Unavailable(e.to_string()))?;
            let code = r.status().as_u16();
            let text = r.text().await.unwrap_or_default();
            classify(code, &text)?;
            let v: Value =
                serde_json::from_str(&text).map_err(|e| WriteError::Refused(e.to_string()))?;
            let s = |r: &Value, k: &str| r[k].as_str().map(str::to_string);
            Ok(v["value"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| ContactHit {
                    contactid: s(r, "contactid").unwrap_or_default(),
                    fullname: s(r, "fullname").unwrap_or_default(),
                    email: s(r, "emailaddress1"),
                    company: None,
                    jobtitle: s(r, "jobtitle"),
                })
                .collect())
        })
    }
}
