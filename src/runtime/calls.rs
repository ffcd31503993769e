//! The asynchronous exports as one machine: read the options, then send one request after
//! another through the one attempt loop, each read by its action's parser, until the call has its
//! answer. Every call sends from the one `send(...).await` below: each await of the attempt loop
//! in a future compiled its polling in once more (about 1.5 KB of wasm apiece).

use wasm_bindgen::JsValue;

use super::attempts::{send, Answer, Parser};
use super::options::{self, ApiCall, SendCall, API_SEND, ASSUME_ROLE, JOB_SEND};
use super::rejection::Rejection;
use super::{jobs, to_js};
use crate::protocol::error::{ResponseError, ResponseProblem};
use crate::protocol::retry::RetryPolicy;
use crate::protocol::{
    check_api_answer, parse_assume_role_answer, parse_cancel_answer, parse_job_state, Action, ApiRequest, AssumeRole, Error,
    UploadDocumentJobParameters,
};

/// The asynchronous exports.
#[derive(Clone, Copy)]
pub(crate) enum Call {
    Job(Action),
    Api,
    AssumeRole,
}

/// What a call's options said: its action's parameters.
enum Params {
    Job(UploadDocumentJobParameters),
    Api(ApiCall),
    Role(AssumeRole),
}

/// The request a call is sending, and what its answer means.
enum Stage {
    Job(Action),
    /// A cancel that may have been applied by an attempt whose answer was lost was told the job is
    /// no longer running: its state decides (`jobs::cancelled_earlier`), else this error stands.
    ResolveCancel(Rejection),
    Api,
    Role,
}

/// Runs an asynchronous export: its JS result.
pub(crate) async fn run(call: Call, options: JsValue) -> Result<JsValue, Rejection> {
    let (params, send_call) = read(call, &options)?;
    let mut stage = match call {
        Call::Job(action) => Stage::Job(action),
        Call::Api => Stage::Api,
        Call::AssumeRole => Stage::Role,
    };
    loop {
        let (request, secrets, policy, parse) = plan(&params, &stage)?;
        let sent = send(&send_call, &request, &secrets, policy, parse).await;
        stage = match (stage, sent.result) {
            (Stage::Job(Action::CancelUploadDocumentJob), Err(rejection)) if sent.ambiguous && jobs::is_status_invalid(&rejection) => {
                Stage::ResolveCancel(rejection)
            }
            (Stage::ResolveCancel(rejection), Ok(Answer::State(state))) => {
                return jobs::cancelled_earlier(state).map(to_js::cancel_result).ok_or(rejection);
            }
            (Stage::ResolveCancel(rejection), _) | (_, Err(rejection)) => return Err(rejection),
            (_, Ok(answer)) => return answer_to_js(answer),
        };
    }
}

fn read(call: Call, options: &JsValue) -> Result<(Params, SendCall), Rejection> {
    Ok(match call {
        Call::Job(_) => {
            let options = options::read(options, &JOB_SEND)?;
            let (job, endpoint) = options::read_job(&options)?;
            (Params::Job(job), options::read_send(&options, Some(endpoint))?)
        }
        Call::Api => {
            let options = options::read(options, &API_SEND)?;
            let api = options::read_api(&options)?;
            (Params::Api(api), options::read_send(&options, None)?)
        }
        Call::AssumeRole => {
            let options = options::read(options, &ASSUME_ROLE)?;
            let role = options::read_assume_role(&options)?;
            (Params::Role(role), options::read_send(&options, Some(options::sts_endpoint()?))?)
        }
    })
}

/// The request of `stage`, the secret values to scrub from its errors, its retry policy and its
/// answer's parser. The job operations and AssumeRole retry every transient failure (a cancel's
/// lost answers are resolved by reading the job; the others change nothing); `callApi` as asked.
fn plan<'a>(params: &'a Params, stage: &Stage) -> Result<(ApiRequest<'a>, Vec<&'a str>, RetryPolicy, Parser), Rejection> {
    Ok(match params {
        Params::Job(job) => {
            let (action, parse): (Action, Parser) = match stage {
                Stage::Job(Action::CancelUploadDocumentJob) => {
                    (Action::CancelUploadDocumentJob, |status, body, secrets| parse_cancel_answer(status, body, secrets).map(Answer::Cancelled))
                }
                _ => (Action::GetUploadDocumentJob, |status, body, secrets| parse_job_state(status, body, secrets).map(Answer::State)),
            };
            (job.request(action)?, vec![job.namespace_password.as_str()], RetryPolicy::Transient, parse)
        }
        Params::Api(api) => {
            let request = api.request();
            let secrets = request.secret_values(&api.secret_names);
            let parse: Parser = |status, body, secrets| {
                check_api_answer(status, body, secrets)?;
                // Checked: UTF-8 and one JSON object.
                Ok(Answer::Json(String::from_utf8_lossy(body).into_owned()))
            };
            (request, secrets, api.policy, parse)
        }
        Params::Role(role) => {
            let parse: Parser = |status, body, secrets| parse_assume_role_answer(status, body, secrets).map(Answer::AssumedRole);
            (role.request()?, Vec::new(), RetryPolicy::Transient, parse)
        }
    })
}

fn answer_to_js(answer: Answer) -> Result<JsValue, Rejection> {
    Ok(match answer {
        Answer::Cancelled(result) => to_js::cancel_result(result),
        Answer::State(state) => to_js::job_state(state),
        Answer::AssumedRole(assumed) => to_js::assumed_role(assumed),
        // `callApi`'s answer as `JSON.parse` reads it.
        Answer::Json(text) => js_sys::JSON::parse(&text).map_err(|cause| {
            let error = Error::Response(ResponseError { http_status: 200, problem: ResponseProblem::NotJson, excerpt: String::new() });
            Rejection::with_cause(error, cause)
        })?,
    })
}
