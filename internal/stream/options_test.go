package stream

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestConsumerOptionsDefaults(t *testing.T) {
	tests := []struct {
		name string
		in   ConsumerOptions
		want ConsumerOptions
	}{
		{
			name: "zero",
			want: ConsumerOptions{Durable: DefaultDurable, AckWait: DefaultAckWait, MaxAckPending: DefaultMaxAckPending,
				Batch: DefaultBatch, Workers: 1, FetchWait: DefaultFetchWait, RetryDelay: DefaultRetryDelay},
		},
		{
			name: "batch capped by max ack pending",
			in:   ConsumerOptions{Durable: "d", MaxAckPending: 10, Batch: 100, Workers: 3, AckWait: time.Minute},
			want: ConsumerOptions{Durable: "d", AckWait: time.Minute, MaxAckPending: 10, Batch: 10, Workers: 3,
				FetchWait: DefaultFetchWait, RetryDelay: DefaultRetryDelay},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.in.withDefaults()
			if got.Logger == nil {
				t.Error("Logger = nil, want a discarding logger")
			}
			got.Logger = nil
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("withDefaults() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStreamConfigDefaults(t *testing.T) {
	tests := []struct {
		name string
		in   StreamConfig
		want StreamConfig
	}{
		{
			name: "zero",
			want: StreamConfig{Name: DefaultStreamName, SubjectPrefix: DefaultSubjectPrefix, Shards: DefaultShards,
				MaxAge: DefaultMaxAge, MaxBytes: DefaultMaxBytes, Duplicates: DefaultDuplicates, Replicas: 1},
		},
		{
			name: "set",
			in: StreamConfig{Name: "X", SubjectPrefix: "x.y", Shards: 1, MaxAge: time.Hour, MaxBytes: 1 << 20,
				Duplicates: time.Minute, Replicas: 3},
			want: StreamConfig{Name: "X", SubjectPrefix: "x.y", Shards: 1, MaxAge: time.Hour, MaxBytes: 1 << 20,
				Duplicates: time.Minute, Replicas: 3},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.in.withDefaults()); diff != "" {
				t.Errorf("withDefaults() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
