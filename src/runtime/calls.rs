//! The asynchronous exports as one synchronous machine, [`PendingCall`], driven by the glue's
//! `runCall` (glue.mjs): read the options, then for each attempt sign afresh and read what came
//! back, and say what to do next (wait and send again, correct the clock and send again, read the
//! job after a cancel's lost answer, or settle the call). The JS loop only acts on it: the
//! provider's promise, `fetch` and the timers. A Rust `async` loop compiled the futures machinery
//! and a state machine for every await into the module: 4.6 KB gzip more (README, Performance).

use wasm_bindgen::prelude::*;
use web_sys::Response;

use super::credentials::{credentials_of, provider_failed, CredentialsSource};
use super::environment::{random_unit, set_server_time, sign_now};
use super::js_imports::glue;
use super::from_js::Options;
use super::options::{self, ApiCall, SendCall, API_SEND, API_SIGN, ASSUME_ROLE, JOB_SEND, JOB_SIGN};
use super::rejection::Rejection;
use super::{jobs, to_js};
use crate::protocol::error::{ResponseError, ResponseProblem};
use crate::protocol::redact::{redact, signature_secrets};
use crate::protocol::retry::{decide, may_have_applied, server_delay_ms, Decision, FailedAttempt, RetryPolicy};
use crate::protocol::{
    check_api_answer, parse_assume_role_answer, parse_cancel_answer, parse_job_state, Action, ApiRequest, AssumeRole, AssumedRole,
    CancelResult, Credentials, Endpoint, Error, InputProblem, UploadDocumentJobParameters, UploadDocumentJobState,
};
use crate::protocol::sts;

/// The largest answer read. The API answers in well under a kilobyte.
const BODY_LIMIT: u32 = 1024 * 1024;
/// `settle`'s answer: send again at once (any other number is a wait in milliseconds).
const RETRY_NOW: f64 = -1.0;

// One attempt's outcome, as glue.mjs's `attempt` reports it (the same numbers there).
const ANSWERED: u32 = 0;
const BAD_SIGNAL: u32 = 1;
const ABORTED: u32 = 2;
const TIMED_OUT: u32 = 3;
// NETWORK is 4: any other.
// `fail`'s reasons besides ABORTED.
const PROVIDER_FAILED: u32 = 5;

/// The asynchronous exports.
#[derive(Clone, Copy)]
pub(crate) enum Call {
    Job(Action),
    Api,
    AssumeRole,
}

/// What a call's options said: its action's parameters.
pub(crate) enum Params {
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

/// A successful answer, read by its action's parser.
enum Answer {
    Cancelled(CancelResult),
    State(UploadDocumentJobState),
    AssumedRole(AssumedRole),
    /// Any action's answer, checked to be a JSON object: its text, for `JSON.parse`.
    Json(String),
}

/// Reads an answer (status, body, the secrets to scrub from errors) for one action.
type Parser = fn(u16, &[u8], &[&str]) -> Result<Answer, Error>;

/// One call of an asynchronous export, from its options to its result. Made by the export,
/// handed to the glue's `runCall`, freed by it when the call settles.
#[wasm_bindgen]
pub struct PendingCall {
    call: Call,
    options: JsValue,
    state: Option<State>,
}

impl std::fmt::Debug for PendingCall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingCall").finish_non_exhaustive()
    }
}

/// What the call read from its options, and where its attempts stand.
struct State {
    params: Params,
    send: SendCall,
    stage: Stage,
    /// The provider's credentials for the next attempt ([`PendingCall::credentials`]).
    provided: Option<Credentials>,
    /// Of the request being sent: requests sent, retries made, whether the clock was corrected,
    /// whether an attempt may have been applied without its answer reaching us ([`may_have_applied`]).
    attempts: u32,
    retries: u32,
    clock_corrected: bool,
    ambiguous: bool,
    /// The last attempt's retry policy, answer parser and the secrets to scrub from its errors: its
    /// secret parameters, the credentials' secret and token, and what a server may echo back of
    /// its signature.
    policy: RetryPolicy,
    parse: Parser,
    secrets: Vec<String>,
}

impl PendingCall {
    pub(crate) fn new(call: Call, options: JsValue) -> Self {
        PendingCall { call, options, state: None }
    }

    fn state(&mut self) -> &mut State {
        // `begin` ran: the glue calls nothing else before it succeeds.
        self.state.as_mut().expect("PendingCall::begin first")
    }

    /// Settles a send that failed for good: the stage's own error after a cancel's lost answer.
    fn give_up(&mut self, rejection: Rejection) -> JsValue {
        match self.end_send(Err(rejection)) {
            Ok(value) | Err(value) => value,
        }
    }

    /// A request's attempts are over: the call's result, its error, or the next request.
    fn end_send(&mut self, result: Result<Answer, Rejection>) -> Result<JsValue, JsValue> {
        let state = self.state();
        let ambiguous = state.ambiguous;
        (state.attempts, state.retries, state.clock_corrected, state.ambiguous) = (0, 0, false, false);
        let stage = std::mem::replace(&mut state.stage, Stage::Api);
        let rejection = match (stage, result) {
            (Stage::Job(Action::CancelUploadDocumentJob), Err(rejection)) if ambiguous && jobs::is_status_invalid(&rejection) => {
                state.stage = Stage::ResolveCancel(rejection);
                return Ok(RETRY_NOW.into());
            }
            (Stage::ResolveCancel(rejection), Ok(Answer::State(state))) => match jobs::cancelled_earlier(state) {
                Some(result) => return Ok(to_js::cancel_result(result)),
                None => rejection,
            },
            (Stage::ResolveCancel(rejection), _) | (_, Err(rejection)) => rejection,
            (_, Ok(answer)) => match answer_to_js(answer) {
                Ok(value) => return Ok(value),
                Err(rejection) => rejection,
            },
        };
        Err(rejection.into())
    }
}

#[wasm_bindgen]
impl PendingCall {
    /// Reads the options: `[signal, timeoutMs, provider, bodyLimit]` for the glue's loop.
    pub fn begin(&mut self) -> Result<js_sys::Array, JsValue> {
        let (params, _, send) = read(self.call, &self.options, false)?;
        let stage = first_stage(self.call);
        let provider = match &send.credentials {
            CredentialsSource::Provider(provider) => provider.into(),
            CredentialsSource::Static(_) => JsValue::UNDEFINED,
        };
        let loop_inputs = js_sys::Array::of4(&send.signal, &send.timeout_ms.into(), &provider, &BODY_LIMIT.into());
        self.options = JsValue::UNDEFINED;
        self.state = Some(State {
            params,
            send,
            stage,
            provided: None,
            attempts: 0,
            retries: 0,
            clock_corrected: false,
            ambiguous: false,
            policy: RetryPolicy::Transient,
            // Set by each `sign`, before the `settle` that reads them.
            parse: |_, _, _| Err(Error::Aborted),
            secrets: Vec::new(),
        });
        Ok(loop_inputs)
    }

    /// Checks a credentials provider's result for the next attempt; returns when it expires
    /// (`Infinity` if it does not say).
    pub fn credentials(&mut self, value: JsValue) -> Result<f64, JsValue> {
        let attempts = self.state().attempts;
        match credentials_of(&value) {
            Ok((credentials, expires_at)) => {
                self.state().provided = Some(credentials);
                Ok(expires_at.unwrap_or(f64::INFINITY))
            }
            Err(rejection) => Err(self.give_up(rejection.after(attempts))),
        }
    }

    /// The call's error for what stopped it outside an attempt: the caller's signal fired (`cause`
    /// its reason), or the credentials provider threw or rejected (`cause` what it threw).
    pub fn fail(&mut self, reason: u32, cause: JsValue) -> JsValue {
        let rejection = match reason {
            PROVIDER_FAILED => provider_failed(cause),
            _ => Rejection::with_cause(Error::Aborted, cause),
        };
        let attempts = self.state().attempts;
        self.give_up(rejection.after(attempts))
    }

    /// Signs the next attempt afresh (a new nonce and the current, corrected time):
    /// `{ method, url, headers, body }`.
    pub fn sign(&mut self) -> Result<JsValue, JsValue> {
        let signed = self.sign_attempt();
        signed.map_err(|rejection| {
            let attempts = self.state().attempts;
            self.give_up(rejection.after(attempts))
        })
    }

    /// The outcome of the attempt just signed, as glue.mjs's `attempt` reports it: the wait before
    /// the next attempt (`-1`: none), or the call's result; throws the call's error.
    pub fn settle(
        &mut self,
        outcome: u32,
        status: u16,
        body: Option<Vec<u8>>,
        response: JsValue,
        cause: JsValue,
        text: Option<String>,
    ) -> Result<JsValue, JsValue> {
        let state = self.state();
        let secrets: Vec<&str> = state.secrets.iter().map(String::as_str).collect();
        let response_error = |problem| Rejection::from(Error::Response(ResponseError { http_status: status, problem, excerpt: String::new() }));
        let (rejection, answered) = match (outcome, body) {
            (ANSWERED, None) => (response_error(ResponseProblem::TooLarge { limit: BODY_LIMIT as usize }), None),
            // `text`: the host a redirect's Location points at.
            (ANSWERED, Some(_)) if status == 0 || (300..400).contains(&status) => {
                (response_error(ResponseProblem::Redirect { location_host: text }), None)
            }
            (ANSWERED, Some(body)) => match (state.parse)(status, &body, &secrets) {
                Ok(answer) => return self.end_send(Ok(answer)),
                Err(error) => (Rejection::from(error), Some(Response::from(response))),
            },
            (BAD_SIGNAL, _) => (Rejection::with_cause(Error::input("signal", InputProblem::Malformed { expected: "an AbortSignal" }), cause), None),
            (ABORTED, _) => (Rejection::with_cause(Error::Aborted, cause), None),
            (TIMED_OUT, _) => (Rejection::with_cause(Error::Timeout { after_ms: state.send.timeout_ms }, cause), None),
            // NETWORK, `text` the glue's message for it.
            _ => {
                let message = redact(&text.unwrap_or_default(), &secrets);
                (Rejection::with_cause(Error::Network { message }, cause), None)
            }
        };
        let rejection = rejection.after(state.attempts);
        state.ambiguous |= may_have_applied(&rejection.error);

        let header = |name: &str| answered.as_ref().and_then(|r| r.headers().get(name).ok().flatten());
        let http_date = |text: &str| Some(js_sys::Date::parse(text)).filter(|ms| ms.is_finite());
        let failed = FailedAttempt {
            error: &rejection.error,
            retries: state.retries,
            max_retries: state.send.max_retries,
            clock_corrected: state.clock_corrected,
            server_date_ms: header("date").and_then(|date| http_date(&date)),
            server_delay_ms: answered.as_ref().and_then(|_| {
                server_delay_ms(header("x-acs-retry-after").as_deref(), header("retry-after").as_deref(), http_date, js_sys::Date::now())
            }),
            jitter: random_unit(),
        };
        match decide(state.policy, &failed) {
            Decision::CorrectClockAndRetry { server_ms } => {
                set_server_time(server_ms);
                state.clock_corrected = true;
                Ok(RETRY_NOW.into())
            }
            Decision::RetryAfter { ms } => {
                state.retries += 1;
                Ok(ms.into())
            }
            _ => self.end_send(Err(rejection)),
        }
    }
}

impl PendingCall {
    fn sign_attempt(&mut self) -> Result<JsValue, Rejection> {
        let glue = glue()?;
        let state = self.state();
        let request = request(&state.params, &state.stage)?;
        let (secret_parameters, policy, parse) = reading(&state.params, &request, &state.stage);
        let credentials = match &state.send.credentials {
            CredentialsSource::Static(credentials) => credentials,
            // The glue passes a provider's result to `credentials` before each `sign`.
            CredentialsSource::Provider(_) => state.provided.as_ref().expect("PendingCall::credentials first"),
        };
        let signed = sign_now(&request, credentials, &state.send.destination, state.send.version, None, None)?;
        // What a server or proxy may echo back and must not reach an error message.
        let mut secrets: Vec<String> = secret_parameters.iter().map(|s| s.to_string()).collect();
        secrets.push(credentials.access_key_secret.clone());
        secrets.extend(credentials.security_token.clone());
        secrets.extend(signature_secrets(&signed));
        let signed_js = to_js::signed_request(&glue, &signed);
        state.secrets = secrets;
        state.policy = policy;
        state.parse = parse;
        state.attempts += 1;
        Ok(signed_js)
    }
}

/// Reads a call's options: its action's parameters, and where and how to send. `signing`: for a
/// sign export, whose options add `timestamp` and `nonce`.
pub(crate) fn read(call: Call, options: &JsValue, signing: bool) -> Result<(Params, Options, SendCall), Rejection> {
    let (names, read_params): (_, ParamsReader) = match (call, signing) {
        (Call::Job(_), false) => (&JOB_SEND, read_job),
        (Call::Job(_), true) => (&JOB_SIGN, read_job),
        (Call::Api, false) => (&API_SEND, read_api),
        (Call::Api, true) => (&API_SIGN, read_api),
        (Call::AssumeRole, _) => (&ASSUME_ROLE, read_assume_role),
    };
    let options = options::read(options, names)?;
    let params = read_params(&options)?;
    let send = options::read_send(&options, || params.default_endpoint())?;
    Ok((params, options, send))
}

// Each call's own reader, called through a pointer: V8 compiles a wasm function on its first call,
// and inlined into `read` the three would all be compiled by the first call of any (README,
// Performance).
type ParamsReader = fn(&Options) -> Result<Params, Rejection>;

fn read_job(options: &Options) -> Result<Params, Rejection> {
    Ok(Params::Job(options::read_job(options)?))
}

fn read_api(options: &Options) -> Result<Params, Rejection> {
    Ok(Params::Api(options::read_api(options)?))
}

fn read_assume_role(options: &Options) -> Result<Params, Rejection> {
    Ok(Params::Role(options::read_assume_role(options)?))
}

impl Params {
    /// Where the call goes when its options name no `endpoint`: the job's region's gpdb host, or
    /// STS; `callApi` has none.
    fn default_endpoint(&self) -> Result<Option<Endpoint>, Error> {
        Ok(match self {
            Params::Job(job) => Some(Endpoint::for_region(&job.region_id)?),
            Params::Api(_) => None,
            Params::Role(_) => Some(Endpoint::parse(sts::DEFAULT_ENDPOINT)?),
        })
    }
}

/// A sign export: `call`'s request signed, not sent: `{ method, url, headers, body }`.
pub(crate) fn sign(call: Call, options: &JsValue) -> Result<JsValue, JsValue> {
    // One conversion of the error for the three exports.
    sign_request(call, options).map_err(JsValue::from)
}

fn sign_request(call: Call, options: &JsValue) -> Result<JsValue, Rejection> {
    let (params, options, send) = read(call, options, true)?;
    let fixed = options::read_sign(&options, send)?;
    let request = request(&params, &first_stage(call))?;
    let signed = sign_now(&request, &fixed.credentials, &fixed.destination, fixed.version, fixed.timestamp_ms, fixed.nonce)?;
    Ok(to_js::signed_request(&glue()?, &signed))
}

fn first_stage(call: Call) -> Stage {
    match call {
        Call::Job(action) => Stage::Job(action),
        Call::Api => Stage::Api,
        Call::AssumeRole => Stage::Role,
    }
}

/// The request `stage` sends.
fn request<'a>(params: &'a Params, stage: &Stage) -> Result<ApiRequest<'a>, Error> {
    match params {
        Params::Job(job) => job.request(job_action(stage)),
        Params::Api(api) => Ok(api.request()),
        Params::Role(role) => role.request(),
    }
}

/// The job operation of `stage`: a cancel, or the read of the job that resolves its lost answer.
fn job_action(stage: &Stage) -> Action {
    match stage {
        Stage::Job(action) => *action,
        _ => Action::GetUploadDocumentJob,
    }
}

/// How `request` is sent and read: the secret values to scrub from its errors, its retry policy
/// and its answer's parser. The job operations and AssumeRole retry every transient failure (a
/// cancel's lost answers are resolved by reading the job; the others change nothing); `callApi`
/// as asked.
fn reading<'a>(params: &'a Params, request: &ApiRequest<'a>, stage: &Stage) -> (Vec<&'a str>, RetryPolicy, Parser) {
    match params {
        Params::Job(job) => {
            let parse: Parser = match job_action(stage) {
                Action::CancelUploadDocumentJob => |status, body, secrets| parse_cancel_answer(status, body, secrets).map(Answer::Cancelled),
                Action::GetUploadDocumentJob => |status, body, secrets| parse_job_state(status, body, secrets).map(Answer::State),
            };
            (vec![job.namespace_password.as_str()], RetryPolicy::Transient, parse)
        }
        Params::Api(api) => {
            let parse: Parser = |status, body, secrets| {
                check_api_answer(status, body, secrets)?;
                // Checked: UTF-8 and one JSON object.
                Ok(Answer::Json(String::from_utf8_lossy(body).into_owned()))
            };
            (request.secret_values(&api.secret_names), api.policy, parse)
        }
        Params::Role(_) => {
            let parse: Parser = |status, body, secrets| parse_assume_role_answer(status, body, secrets).map(Answer::AssumedRole);
            (Vec::new(), RetryPolicy::Transient, parse)
        }
    }
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
