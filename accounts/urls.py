from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.AccountHomeView.as_view(), name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("signup/", views.SignUpView.as_view(), name="signup"),
    path("signup/sent/", views.SignUpDoneView.as_view(), name="signup_done"),
    path(
        "signup/confirm/<uidb64>/<token>/",
        views.SignUpConfirmView.as_view(),
        name="signup_confirm",
    ),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("phone/", views.PhoneConfirmView.as_view(), name="phone_confirm"),
    path("email/", views.EmailChangeView.as_view(), name="email_change"),
    path(
        "email/confirm/<str:token>/",
        views.EmailChangeConfirmView.as_view(),
        name="email_change_confirm",
    ),
    path("link/", views.AccountLinkView.as_view(), name="link"),
    path("accounts/<slug:number>/", views.AccountDetailView.as_view(), name="account"),
    path("consent/", views.ConsentView.as_view(), name="consent"),
    path("privacy/", views.PrivacyPolicyView.as_view(), name="privacy"),
]
