// Package provider is the home of the studio's paid-service clients, one
// package per service: studio (offline), fal (FAL.ai images and Kling on
// FAL), kling (Kling's direct API), httpx (the retrying HTTP plumbing they share) and fakes
// (loopback stand-ins of the services for tests). The pipeline declares the
// ports they satisfy (pipeline.ImageGenerator, pipeline.VideoGenerator);
// this package's tests check that at compile time.
package provider
