package scancorpus

import "fmt"

// Secret is one fake credential and the rule expected to report it.
type Secret struct {
	// Kind is the rule id expected in the finding.
	Kind string
	// Value is the secret's text as the scanner hashes it.
	Value string
	// Line is how the secret is written on a line of a config or source file;
	// %s stands for the value. Multi-line secrets put %s on their first line.
	Line string
}

// Family makes one kind of fake secret.
type Family struct {
	// Name labels the family in reports.
	Name string
	// Make draws a secret.
	Make func(f *Fake) Secret
}

func one(kind, value, line string) Secret { return Secret{Kind: kind, Value: value, Line: line} }

// Families lists a generator for every credential family the scanner knows.
func Families() []Family {
	return []Family{
		{"aws-access-key-id", func(f *Fake) Secret {
			return one("aws-access-key-id", f.Pick("AKIA", "ASIA")+f.Str(upperDigits, 16), f.Pick(`aws_access_key_id = %s`, `"AccessKeyId": "%s",`, `AWS_ACCESS_KEY_ID=%s`))
		}},
		{"aws-secret-access-key", func(f *Fake) Secret {
			return one("aws-secret-access-key", f.Str(b64Chars, 40), f.Pick(`aws_secret_access_key = %s`, `AWS_SECRET_ACCESS_KEY="%s"`, `"SecretAccessKey": "%s",`))
		}},
		{"gcp-api-key", func(f *Fake) Secret {
			return one("gcp-api-key", "AIza"+f.Str(tokenChars, 35), f.Pick(`GOOGLE_API_KEY=%s`, `const mapsKey = "%s";`, `url = "https://maps.googleapis.com/maps/api/geocode/json?key=%s"`))
		}},
		{"azure-storage-key", func(f *Fake) Secret {
			return one("azure-storage-key", f.Str(b64Chars, 86)+"==", `AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=https;AccountName=mlpipe`+f.Str("abcdefghijklmnopqrstuvwxyz", 6)+`;AccountKey=%s;EndpointSuffix=core.windows.net"`)
		}},
		{"github-pat", func(f *Fake) Secret {
			return one("github-pat", "ghp_"+f.Str(alnumChars, 36), f.Pick(`GITHUB_TOKEN=%s`, `token: "%s"`, `git clone https://%s@github.com/org/repo.git`))
		}},
		{"github-app-token", func(f *Fake) Secret {
			return one("github-app-token", "ghs_"+f.Str(alnumChars, 36), `Authorization: token %s`)
		}},
		{"github-fine-grained-pat", func(f *Fake) Secret {
			return one("github-fine-grained-pat", "github_pat_"+f.Str(alnumChars, 22)+"_"+f.Str(alnumChars, 59), `GH_TOKEN=%s`)
		}},
		{"gitlab-token", func(f *Fake) Secret {
			return one("gitlab-token", "glpat-"+f.Str(tokenChars, 20), f.Pick(`CI_JOB_TOKEN: "%s"`, `gitlab_token = '%s'`))
		}},
		{"slack-token", func(f *Fake) Secret {
			return one("slack-token", "xoxb-"+f.Digits(12)+"-"+f.Digits(13)+"-"+f.Str(alnumChars, 24), f.Pick(`SLACK_BOT_TOKEN=%s`, `client = WebClient(token="%s")`))
		}},
		{"slack-webhook", func(f *Fake) Secret {
			return one("slack-webhook", "https://hooks.slack.com/services/T"+f.Str(upperDigits, 8)+"/B"+f.Str(upperDigits, 10)+"/"+f.Str(alnumChars, 24), `webhook_url: %s`)
		}},
		{"twilio-api-key", func(f *Fake) Secret {
			return one("twilio-api-key", "SK"+f.Str(hexChars, 32), `TWILIO_API_KEY=%s`)
		}},
		{"twilio-auth-token", func(f *Fake) Secret {
			return one("twilio-auth-token", f.Str(hexChars, 32), `twilio_auth_token = "%s"`)
		}},
		{"sendgrid-api-key", func(f *Fake) Secret {
			return one("sendgrid-api-key", "SG."+f.Str(tokenChars, 22)+"."+f.Str(tokenChars, 43), `sg = SendGridAPIClient("%s")`)
		}},
		{"mailgun-api-key", func(f *Fake) Secret {
			return one("mailgun-api-key", "key-"+f.Str(hexChars, 32), `MAILGUN_API_KEY=%s`)
		}},
		{"telegram-bot-token", func(f *Fake) Secret {
			return one("telegram-bot-token", f.Digits(10)+":AA"+f.Str(tokenChars, 33), f.Pick(`bot = telebot.TeleBot("%s")`, `TELEGRAM_TOKEN=%s`))
		}},
		{"stripe-secret-key", func(f *Fake) Secret {
			return one("stripe-secret-key", "sk_live_"+f.Str(alnumChars, 24+f.Intn(60)), `stripe.api_key = "%s"`)
		}},
		{"openai-api-key", func(f *Fake) Secret {
			return one("openai-api-key", "sk-proj-"+f.Str(tokenChars, 74)+"T3BlbkFJ"+f.Str(tokenChars, 74), f.Pick(`OPENAI_API_KEY=%s`, `client = OpenAI(api_key="%s")`))
		}},
		{"anthropic-api-key", func(f *Fake) Secret {
			return one("anthropic-api-key", "sk-ant-api03-"+f.Str(tokenChars, 93)+"AA", `ANTHROPIC_API_KEY="%s"`)
		}},
		{"huggingface-token", func(f *Fake) Secret {
			return one("huggingface-token", "hf_"+f.Str(letters, 34), f.Pick(`HF_TOKEN=%s`, `login(token="%s")`))
		}},
		{"wandb-api-key", func(f *Fake) Secret {
			return one("wandb-api-key", f.Str(hexChars, 40), f.Pick(`WANDB_API_KEY=%s`, `wandb.login(key="%s")`))
		}},
		{"npm-token", func(f *Fake) Secret {
			return one("npm-token", "npm_"+f.Str(alnumChars, 36), `//registry.npmjs.org/:_authToken=%s`)
		}},
		{"pypi-token", func(f *Fake) Secret {
			return one("pypi-token", "pypi-AgEIcHlwaS5vcmc"+f.Str(tokenChars, 70), `password = %s`)
		}},
		{"databricks-token", func(f *Fake) Secret {
			return one("databricks-token", "dapi"+f.Str(hexChars, 32), `DATABRICKS_TOKEN=%s`)
		}},
		{"docker-auth", func(f *Fake) Secret {
			return one("docker-auth", f.DockerAuth(), `{"auths": {"registry.example.io": {"auth": "%s"}}}`)
		}},
		{"jwt", func(f *Fake) Secret {
			return one("jwt", f.JWT(), f.Pick(`Authorization: Bearer %s`, `session_cookie = "%s"`))
		}},
		{"url-password", func(f *Fake) Secret {
			pw := f.Str(alnumChars+"_-.~", 14)
			return one("url-password", pw, f.Pick(
				`DATABASE_URL=postgres://app:%s@db.internal:5432/prod`,
				`broker_url = "amqp://worker:%s@rabbit:5672//"`,
				`mongo = MongoClient("mongodb+srv://ml:%s@cluster0.abcde.mongodb.net/")`,
				`pip install --index-url https://build:%s@pypi.internal/simple pkg`))
		}},
		{"generic-password", func(f *Fake) Secret {
			return one("generic-password", f.Password(), f.Pick(`DB_PASSWORD=%s`, `password: "%s"`, `db_password = '%s'`, `"password": "%s",`))
		}},
		{"generic-secret", func(f *Fake) Secret {
			return one("generic-secret", f.Str(alnumChars, 32), f.Pick(`client_secret = "%s"`, `API_SECRET=%s`, `"refresh_token": "%s"`, `secret_key: %s`))
		}},
	}
}

// Render writes the secret into its line.
func (s Secret) Render() string { return fmt.Sprintf(s.Line, s.Value) }
