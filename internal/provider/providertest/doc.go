// Package providertest runs local stand-ins for the paid services the studio calls
// — FAL.ai (queue, storage, result files) and Kling's direct API — on
// loopback httptest servers, speaking their protocols closely enough that
// the real clients in internal/provider/fal and internal/provider/kling run
// against them unchanged. Any package's tests may use them; nothing here
// needs a *testing.T.
//
//	f := providertest.NewFAL(providertest.FALOptions{Timing: providertest.Timing{QueuePolls: 1, WorkPolls: 2}})
//	defer f.Close()
//	// point SHOOT_FAL_QUEUE_URL and SHOOT_FAL_REST_URL at f.URL, FAL_KEY at f.Key()
//
//	k := providertest.NewKling(providertest.KlingOptions{MaxConcurrent: 5})
//	defer k.Close()
//	// SHOOT_KLING_BASE_URL=k.URL, KLING_ACCESS_KEY=k.AccessKey(), KLING_SECRET_KEY=k.SecretKey()
//
// # What the fakes check
//
// Authentication exactly as the services do it: FAL wants
// "Authorization: Key <key>"; Kling wants "Authorization: Bearer <JWT>",
// an HS256 token whose iss is the access key, signed with the secret key,
// with exp and nbf checked. Wrong credentials get the service's own 401
// body. Request fields are validated (FAL answers 422 with a pydantic-style
// {"detail": [...]}; Kling answers 400 with {code, message, request_id}),
// FAL image inputs must be files uploaded through the fake's storage, and
// Kling frames must be raw base64 (no data: prefix) JPEG/PNG images of at
// least 300 px a side within 1:2.5 … 2.5:1, never camera_control together
// with image_tail.
//
// # Knobs
//
//   - Timing: how many status polls a job spends queued (QueuePolls) and in
//     progress (WorkPolls), a minimum WorkTime, or Manual to hold every job
//     in progress until Finish/FinishAll. Jobs advance only when polled, so
//     tests need no clock.
//   - Faults: a fraction (Rate) of all requests — submits, polls, uploads,
//     downloads — answered with 500, 503 (with Retry-After), 429 (with
//     Retry-After; Kling's body carries code 1302) or a hang, drawn from a
//     seeded generator; SetFaults changes them while running. These strike
//     before any state changes, so a failed submit never half-creates a job.
//     FaultLostAnswer (opt-in, not in AllFaults) is the ambiguous case: the
//     request is carried out, then the answer never arrives.
//   - Reject: a permanent validation failure for chosen inputs (the
//     service's 4xx body with your message).
//   - Fail: the job is accepted but generation fails with your message
//     (FAL: COMPLETED with an error; Kling: task_status "failed").
//   - Image/Video: the bytes of result files, served from the fake's own
//     /media/ URLs. Defaults are a PNG sized from aspect_ratio and a stub
//     MP4 header (not playable: give a real generator for tests that decode
//     clips).
//   - KlingOptions.MaxConcurrent: the account's concurrency; one more active
//     task is refused with 429 code 1303.
//
// # Counters
//
// Submissions (per endpoint/model and in total), Duplicates (Kling
// external_task_id reuse), Uploads, Polls, Cancels, Downloads,
// ActiveHighWater (the most jobs queued or in progress at once), Faults
// injected, and AuthLeaks (requests that sent credentials to a storage or
// media URL, which must stay 0). Inputs returns every accepted submission's
// JSON body for field-level assertions.
package providertest
