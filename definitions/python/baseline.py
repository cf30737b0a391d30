"""A scikit-learn baseline beside the GoMLX classifier: TF-IDF features and a
logistic regression trained by SGD, one epoch a step, on the same split."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import accuracy_score, f1_score, log_loss

from mlpipe import stage

train = stage.input("train", columns=["text", "label"])
test = stage.input("test", columns=["id", "text", "label"])
epochs = int(stage.params["epochs"])

vec = TfidfVectorizer(sublinear_tf=True, min_df=2, max_features=int(stage.params["features"]))
x_train = vec.fit_transform(train.column("text").to_pylist())
y_train = np.asarray(train.column("label").to_pylist())
x_test = vec.transform(test.column("text").to_pylist())
y_test = np.asarray(test.column("label").to_pylist())

model = SGDClassifier(loss="log_loss", alpha=float(stage.params["alpha"]), random_state=stage.seed)
classes = np.unique(y_train)
for epoch in range(epochs):
    model.partial_fit(x_train, y_train, classes=classes)
    stage.log(step=epoch + 1, train_loss=log_loss(y_train, model.predict_proba(x_train), labels=classes),
              val_loss=log_loss(y_test, model.predict_proba(x_test), labels=classes))

prob = model.predict_proba(x_test)
pred = classes[prob.argmax(axis=1)]
stage.output("predictions", pa.table({
    "id": test.column("id"),
    "label": pa.array(y_test),
    "pred": pa.array(pred),
    "prob": pa.array(prob.max(axis=1)),
}))
stage.metrics(accuracy=accuracy_score(y_test, pred), f1_macro=f1_score(y_test, pred, average="macro"),
              cross_entropy=log_loss(y_test, prob, labels=classes))
